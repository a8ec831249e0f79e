import { diagnosticsChannel } from '@leakproof/core';

/** `leakproof:redis:hit` — `{ name, tier: 'l1' | 'l2', key }` on every hit. */
export const hitChannel = diagnosticsChannel('redis', 'hit');
/** `leakproof:redis:miss` — `{ name, key }` when no tier had the key. */
export const missChannel = diagnosticsChannel('redis', 'miss');
/** `leakproof:redis:invalidation-received` — `{ name, keys }` (`keys: null` means all) from Redis. */
export const invalidationReceivedChannel = diagnosticsChannel('redis', 'invalidation-received');
/** `leakproof:redis:breaker` — `{ name, state, previous, cause }` when a breaker changes state. */
export const breakerChannel = diagnosticsChannel('redis', 'breaker');
/** `leakproof:redis:tracking` — `{ name, state: 'up' | 'down', cause }` when invalidation tracking is lost or back. */
export const trackingChannel = diagnosticsChannel('redis', 'tracking');
