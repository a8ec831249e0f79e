import { validateFunction } from '@leakproof/core';
import { stageOptions, stagePart } from '../internal/options.js';
import { isPromiseLike } from '../internal/util.js';
import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { from } from '../stages/from.js';

/**
 * Folds the items into one value with `fn(accumulator, item, index)` (which may be async),
 * starting from `initial`. A throw in `fn` closes the source before the promise rejects.
 * Bad arguments throw synchronously, before anything is read.
 *
 * @example
 * ```ts
 * const totals = await reduce(rows, (t, r) => t.set(r.day, (t.get(r.day) ?? 0) + r.qty), new Map());
 * ```
 */
export function reduce<T, A>(
  source: Source<T>,
  fn: (accumulator: A, item: T, index: number) => A | PromiseLike<A>,
  initial: A,
  options?: StageOptions,
): Promise<A> {
  validateFunction(fn, 'fn');
  const stage = from(source, stagePart(stageOptions(options, 'reduce')));
  return (async () => {
    let accumulator = initial;
    let index = 0;
    for (;;) {
      const result = await stage.next();
      if (result.done === true) return accumulator;
      try {
        const next = fn(accumulator, result.value, index++);
        accumulator = isPromiseLike(next) ? await next : next;
      } catch (error) {
        await stage.return(undefined).catch(() => {});
        throw error;
      }
    }
  })();
}
