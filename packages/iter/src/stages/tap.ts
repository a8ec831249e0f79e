import { validateFunction } from '@leakproof/core';
import { stageOptions } from '../internal/options.js';
import { SequentialStage } from '../internal/sequential.js';
import { isPromiseLike } from '../internal/util.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

/**
 * Calls `fn(item, index)` for its side effect and yields the item unchanged; an async
 * `fn` is awaited before the item moves on.
 *
 * @example
 * ```ts
 * const logged = tap(pages, (page, i) => log.debug({ page: i, rows: page.length }));
 * ```
 */
export function tap<T>(
  source: Source<T>,
  fn: (item: T, index: number) => unknown,
  options?: StageOptions,
): Stage<T> {
  validateSource(source, 'source');
  validateFunction(fn, 'fn');
  return new SequentialStage<T, T>(
    'tap',
    source,
    (item, index) => {
      const done = fn(item, index);
      return isPromiseLike(done) ? Promise.resolve(done).then(() => item) : item;
    },
    stageOptions(options, 'tap'),
  );
}
