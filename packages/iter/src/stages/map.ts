import { validateFunction } from '@leakproof/core';
import { stageOptions } from '../internal/options.js';
import { SequentialStage } from '../internal/sequential.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

/**
 * Calls `fn(item, index)` on each item, one at a time, and yields the results in order.
 * `fn` may be async; the next item is read only once its result has been taken. For
 * several calls at once use {@link mapConcurrent}.
 *
 * @example
 * ```ts
 * for await (const line of map(rows, (row) => `${row.id},${row.qty}`)) out.write(line);
 * ```
 */
export function map<T, U>(
  source: Source<T>,
  fn: (item: T, index: number) => U | PromiseLike<U>,
  options?: StageOptions,
): Stage<U> {
  validateSource(source, 'source');
  validateFunction(fn, 'fn');
  return new SequentialStage<T, U>('map', source, fn, stageOptions(options, 'map'));
}
