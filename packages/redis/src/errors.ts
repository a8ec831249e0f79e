import { createError, errorMessage, LeakproofError } from '@leakproof/core';

/**
 * Redis could not serve a call: the connection is refused, down or not ready, the call
 * timed out, too many calls are already pending, or the circuit breaker is open. `cause`
 * holds the underlying failure (the ioredis error such as `ECONNREFUSED`, a `TimeoutError`,
 * or the error that opened the breaker). Code: `ERR_REDIS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * try { await cache.get('k'); }
 * catch (err) { if (isLeakproofError(err, 'ERR_REDIS_UNAVAILABLE')) serveDegraded(); }
 * ```
 */
export class RedisUnavailableError extends LeakproofError {
  /** @param what the cache that failed; @param reason what happened. */
  constructor(what: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_REDIS_UNAVAILABLE', errorMessage('ERR_REDIS_UNAVAILABLE', { what, reason }), options);
  }
}

/** A stored value is larger than `maxValueBytes` (written by another client): refused on read. */
export function valueTooLarge(key: string, bytes: number, maxValueBytes: number): LeakproofError {
  return Object.assign(createError('ERR_REDIS_VALUE_TOO_LARGE', { key, bytes, maxValueBytes }), {
    bytes,
    maxValueBytes,
  });
}

/** A loader returned something a cache cannot store. */
export function invalidReturnValue(name: string, expected: string, actual: unknown): TypeError {
  return createError('ERR_INVALID_RETURN_VALUE', { name, expected, actual });
}

/** ioredis is needed to create a connection and is not installed. */
export function missingPeer(cause: unknown): LeakproofError {
  return createError(
    'ERR_MISSING_PEER_DEPENDENCY',
    {
      pkg: '@leakproof/redis',
      peer: 'ioredis',
      detail: 'install it (npm install ioredis) or pass your own client as `redis`',
    },
    { cause },
  );
}
