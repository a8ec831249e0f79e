import { stageOptions } from '../internal/options.js';
import { SequentialStage } from '../internal/sequential.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

const identity = <T>(item: T): T => item;

/**
 * Wraps any `Iterable`, `AsyncIterable` or `Readable` as a {@link Stage}: one item per
 * `next()`, no read-ahead, closed on `return()` or when `signal` aborts.
 *
 * @example
 * ```ts
 * for await (const line of from(readline.createInterface({ input }), { signal })) handle(line);
 * ```
 */
export function from<T>(source: Source<T>, options?: StageOptions): Stage<T> {
  validateSource(source, 'source');
  return new SequentialStage<T, T>('from', source, identity, stageOptions(options, 'from'));
}
