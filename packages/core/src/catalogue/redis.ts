import { defineErrors } from './define.js';

/** The codes of @leakproof/redis. */
export const redisErrors = defineErrors({
  ERR_REDIS_UNAVAILABLE: {
    kind: 'LeakproofError',
    summary:
      'Redis could not serve the call (connection refused or down, deadline passed, too many pending, breaker open); `cause` says why',
    message: (p: { what: string; reason: string }) => `${p.what}: ${p.reason}`,
  },
  ERR_REDIS_VALUE_TOO_LARGE: {
    kind: 'LeakproofError',
    summary: 'a value stored in Redis (by another client) is larger than `maxValueBytes`: refused on read',
    message: (p: { key: string; bytes: number; maxValueBytes: number }) =>
      `the value stored for key ${JSON.stringify(p.key)} is ${p.bytes} bytes, more than maxValueBytes (${p.maxValueBytes}): not returned, not cached`,
  },
});
