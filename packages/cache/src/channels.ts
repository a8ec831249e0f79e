import { diagnosticsChannel } from '@leakproof/core';

/** `leakproof:cache:evict` — `{ name, key, reason }` for every entry that leaves a cache. */
export const evictChannel = diagnosticsChannel('cache', 'evict');
/** `leakproof:cache:load` — `{ name, key }` when `getOrLoad` starts a load. */
export const loadChannel = diagnosticsChannel('cache', 'load');
/** `leakproof:cache:load-error` — `{ name, key, error }` when a load rejects. */
export const loadErrorChannel = diagnosticsChannel('cache', 'load-error');
/** `leakproof:cache:dispose` — `{ name }` when a cache is disposed. */
export const disposeChannel = diagnosticsChannel('cache', 'dispose');
