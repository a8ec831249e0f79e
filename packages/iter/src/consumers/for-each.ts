import { validatePositiveInteger } from '@leakproof/core';
import { drain } from '../internal/drain.js';
import { stageOptions, stagePart } from '../internal/options.js';
import type { Source } from '../source.js';
import type { StageOptions, WorkContext } from '../stage.js';
import { mapConcurrent } from '../stages/map-concurrent.js';

/** Options for {@link forEach}. */
export interface ForEachOptions extends StageOptions {
  /** Most `fn` calls in flight. Integer 1..2^24. @default 1 */
  readonly concurrency?: number | undefined;
}

/**
 * Calls `fn(item, { signal, index })` for every item, up to `concurrency` at once, and
 * resolves when all have finished. The first failure aborts the calls in flight, closes
 * the source and rejects. Bad arguments throw synchronously, before anything is read.
 *
 * @example
 * ```ts
 * await forEach(chunk(rows, 500), (batch, { signal }) => upsert(batch, { signal }), { concurrency: 4 });
 * ```
 */
export function forEach<T>(
  source: Source<T>,
  fn: (item: T, context: WorkContext) => unknown,
  options?: ForEachOptions,
): Promise<void> {
  const o = stageOptions<ForEachOptions>(options, 'forEach', ['concurrency']);
  // undefined means the default; null is a wrong type, like any other non-number.
  const concurrency = o.concurrency === undefined ? 1 : o.concurrency;
  validatePositiveInteger(concurrency, 'options.concurrency');
  return drain(mapConcurrent(source, fn, { ...stagePart(o), concurrency, ordered: false }), undefined);
}
