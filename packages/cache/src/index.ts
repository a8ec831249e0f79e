export {
  BoundedMap,
  type BoundedMapOptions,
  type CacheStats,
  type GetOrLoadOptions,
  type LoadContext,
  type SetOptions,
} from './bounded-map.js';
export { type AddOptions, BoundedSet, type BoundedSetOptions, type SetLike } from './bounded-set.js';
export { type Memoized, type MemoizeOptions, memoize } from './memoize.js';
export type { BoundOptions, Clock, EvictReason } from './options.js';
export type { PolicyName } from './policy/policy.js';
export { type LoadTicket, type ReadTicket, SingleFlight } from './single-flight.js';
export { defaultSizeOf, estimateSize, SIZE_OF_NODE_BUDGET } from './size-of.js';
