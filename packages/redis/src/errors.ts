import { LeakproofError } from '@leakproof/core';

/**
 * Redis could not serve a call: the connection is down or not ready, the call timed out,
 * too many calls are already pending, or the circuit breaker is open. `cause` holds the
 * underlying failure (the ioredis error such as `ECONNREFUSED`, a `TimeoutError`, or the
 * error that opened the breaker). Code: `ERR_REDIS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * try { await cache.get('k'); }
 * catch (err) { if (isLeakproofError(err, 'ERR_REDIS_UNAVAILABLE')) serveDegraded(); }
 * ```
 */
export class RedisUnavailableError extends LeakproofError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REDIS_UNAVAILABLE', message, options);
  }
}

/** A stored value is larger than `maxValueBytes` (written by another client): refused on read. */
export function valueTooLarge(key: string, bytes: number, maxValueBytes: number): LeakproofError {
  return Object.assign(
    new LeakproofError(
      'ERR_REDIS_VALUE_TOO_LARGE',
      `the value stored for key ${JSON.stringify(key)} is ${bytes} bytes, more than maxValueBytes (${maxValueBytes}): not returned, not cached`,
    ),
    { bytes, maxValueBytes },
  );
}

/** A loader returned something a cache cannot store. */
export function invalidReturnValue(name: string, expected: string, value: unknown): LeakproofError {
  return new LeakproofError(
    'ERR_INVALID_RETURN_VALUE',
    `Expected ${name} to return ${expected}. Received ${value === undefined ? 'undefined' : typeof value}`,
  );
}

/** ioredis is needed to create a connection and is not installed. */
export function missingPeer(cause: unknown): LeakproofError {
  return new LeakproofError(
    'ERR_MISSING_PEER_DEPENDENCY',
    '@leakproof/redis needs ioredis to create a connection: install it (npm install ioredis) or pass your own client as `redis`',
    { cause },
  );
}
