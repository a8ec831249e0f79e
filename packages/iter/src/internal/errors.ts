import { createError } from '@leakproof/core';

/** `TypeError` `ERR_INVALID_RETURN_VALUE`: a callback (or a source's `next()`) returned something unusable. */
export function invalidReturnValue(name: string, expected: string, actual: unknown): TypeError {
  return createError('ERR_INVALID_RETURN_VALUE', { name, expected, actual });
}

/**
 * `RangeError` `ERR_OUT_OF_RANGE` for a bound the caller set that was reached at run time
 * (`toArray`'s `max`, `paginate`'s `maxPages`); `limit` is the bound.
 */
export function limitExceeded(what: string, option: string, limit: number): RangeError & { limit: number } {
  const error = createError('ERR_OUT_OF_RANGE', {
    name: what,
    range: `at most ${limit} (\`options.${option}\`)`,
    actual: limit + 1,
  });
  return Object.assign(error, { limit });
}
