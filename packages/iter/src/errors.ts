import { describeValue, LeakproofError } from '@leakproof/core';

/**
 * Thrown when a bound the caller set is exceeded at run time: {@link toArray} past `max`,
 * {@link paginate} past `maxPages`. Code: `ERR_OUT_OF_RANGE`. `limit` is the bound.
 *
 * @example
 * ```ts
 * try { await toArray(rows, { max: 10_000 }); }
 * catch (err) { if (err instanceof LimitExceededError) console.log(`more than ${err.limit} rows`); }
 * ```
 */
export class LimitExceededError extends LeakproofError {
  /** The bound that was exceeded. */
  readonly limit: number;

  constructor(message: string, limit: number) {
    super('ERR_OUT_OF_RANGE', message);
    this.limit = limit;
  }
}

/** `TypeError` with Node's `ERR_INVALID_RETURN_VALUE`: a callback returned something unusable. */
export function invalidReturnValue(name: string, expected: string, value: unknown): TypeError {
  const error = new TypeError(`Expected \`${name}\` to return ${expected}, got ${describeValue(value)}`);
  Object.defineProperty(error, 'code', {
    value: 'ERR_INVALID_RETURN_VALUE',
    enumerable: true,
    configurable: true,
    writable: true,
  });
  return error;
}
