import { diagnosticsChannel } from '@leakproof/core';

/** `leakproof:redis:hit` — `{ name, tier: 'l1' | 'l2', key }` on every hit. */
export const hitChannel = diagnosticsChannel('redis', 'hit');
/** `leakproof:redis:miss` — `{ name, key }` when no tier had the key. */
export const missChannel = diagnosticsChannel('redis', 'miss');
/** `leakproof:redis:invalidation-sent` — `{ name, channel, keys }` (`keys: null` means all). */
export const invalidationSentChannel = diagnosticsChannel('redis', 'invalidation-sent');
/** `leakproof:redis:invalidation-received` — `{ name, channel, keys, from }`. */
export const invalidationReceivedChannel = diagnosticsChannel('redis', 'invalidation-received');
/** `leakproof:redis:breaker` — `{ name, state, previous, cause }` when a breaker changes state. */
export const breakerChannel = diagnosticsChannel('redis', 'breaker');
/** `leakproof:redis:bus` — `{ name, channel, state: 'up' | 'down', cause }` when a subscription is lost or back. */
export const busChannel = diagnosticsChannel('redis', 'bus');
