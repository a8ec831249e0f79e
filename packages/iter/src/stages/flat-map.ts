import { validateFunction, validatePositiveInteger } from '@leakproof/core';
import { MergeStage } from '../internal/merge-stage.js';
import { stageOptions } from '../internal/options.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions, WorkContext } from '../stage.js';

/** Options for {@link flatMap}. */
export interface FlatMapOptions extends StageOptions {
  /**
   * Inner sources read at once. With 1 the output keeps source order; above 1 items
   * are yielded as they arrive. Integer 1..2^24. @default 1
   */
  readonly concurrency?: number | undefined;
}

/**
 * Maps each item to an `Iterable`/`AsyncIterable` (or a promise of one) with
 * `fn(item, { signal, index })` and yields the items of each in turn (or, with
 * `concurrency` above 1, as they arrive from up to that many at once).
 *
 * @example
 * ```ts
 * const lines = flatMap(orders, async (order) => (await loadLines(order.id)), { concurrency: 4 });
 * ```
 */
export function flatMap<T, U>(
  source: Source<T>,
  fn: (item: T, context: WorkContext) => Source<U> | PromiseLike<Source<U>>,
  options?: FlatMapOptions,
): Stage<U> {
  validateSource(source, 'source');
  validateFunction(fn, 'fn');
  const o = stageOptions<FlatMapOptions>(options, 'flatMap', ['concurrency']);
  // undefined means the default; null is a wrong type, like any other non-number.
  const concurrency = o.concurrency === undefined ? 1 : o.concurrency;
  validatePositiveInteger(concurrency, 'options.concurrency');
  return new MergeStage<T, U>('flatMap', source, fn, concurrency, 'fn(item)', o);
}
