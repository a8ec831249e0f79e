export {
  type BreakerState,
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerStats,
} from './circuit-breaker.js';
export { RedisUnavailableError } from './errors.js';
export type { InvalidationListener, InvalidationPort, InvalidationSubscription } from './invalidation.js';
export { MemoryCache, type MemoryCacheOptions, type MemoryCacheStats } from './memory-cache.js';
export {
  MAX_REDIS_VALUE_BYTES,
  RedisCache,
  type RedisCacheOptions,
  type RedisCacheStats,
} from './redis-cache.js';
export type { RedisConnection, RedisInput } from './redis-client.js';
export { jsonSerializer, type Serializer, safeJsonParse } from './serializer.js';
export type { CacheTier, TierSetOptions } from './tier.js';
export {
  TieredCache,
  type TieredCacheOptions,
  type TieredCacheStats,
  type TieredLoadOptions,
  type TieredSetOptions,
} from './tiered-cache.js';
