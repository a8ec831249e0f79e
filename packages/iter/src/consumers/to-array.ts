import { validateOptions, validatePositiveInteger } from '@leakproof/core';
import { LimitExceededError } from '../errors.js';
import { drain } from '../internal/drain.js';
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
 * closes the source and rejects with {@link LimitExceededError} (`ERR_OUT_OF_RANGE`).
 * Bad arguments throw synchronously, before anything is read.
 *
 * @example
 * ```ts
 * const firstPage = await toArray(take(rows, 50), { max: 50 });
 * ```
 */
export function toArray<T>(source: Source<T>, options: ToArrayOptions): Promise<T[]> {
  const o = validateOptions<ToArrayOptions>(options);
  const max = validatePositiveInteger(o.max, 'max');
  const stage = from(source, o);
  const out: T[] = [];
  return drain(stage, (item) => {
    if (out.length >= max) {
      throw new LimitExceededError(`Expected the source to have at most \`max\` (${max}) items`, max);
    }
    out.push(item);
  }).then(() => out);
}
