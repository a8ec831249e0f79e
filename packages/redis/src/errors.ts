import { LeakproofError } from '@leakproof/core';

/**
 * Redis could not serve a call: the connection is down or not ready, the call timed out,
 * too many calls are already pending, or the circuit breaker is open. `cause` holds the
 * underlying failure (the ioredis error, a `TimeoutError`, or the error that opened the
 * breaker). Code: `ERR_REDIS_UNAVAILABLE`.
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
