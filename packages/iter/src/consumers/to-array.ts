import { validatePositiveInteger } from '@leakproof/core';
import { drain } from '../internal/drain.js';
import { limitExceeded } from '../internal/errors.js';
import { stageOptions, stagePart } from '../internal/options.js';
import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { from } from '../stages/from.js';

/** Options for {@link toArray}. */
export interface ToArrayOptions extends StageOptions {
  /** Most items to collect; one more fails with `ERR_OUT_OF_RANGE`. Required. Integer 1..2^24. */
  readonly max: number;
}

/**
 * Collects the items into an array, never more than `max`: the item after the `max`th
 * closes the source and rejects with a `RangeError` (`ERR_OUT_OF_RANGE`, `limit`: the bound).
 * Bad arguments throw synchronously, before anything is read.
 *
 * @example
 * ```ts
 * const firstPage = await toArray(take(rows, 50), { max: 50 });
 * ```
 */
export function toArray<T>(source: Source<T>, options: ToArrayOptions): Promise<T[]> {
  const o = stageOptions<ToArrayOptions>(options, 'toArray', ['max']);
  const max = validatePositiveInteger(o.max, 'options.max');
  const stage = from(source, stagePart(o));
  const out: T[] = [];
  return drain(stage, (item) => {
    if (out.length >= max) {
      throw limitExceeded('items in the source', 'max', max);
    }
    out.push(item);
  }).then(() => out);
}
