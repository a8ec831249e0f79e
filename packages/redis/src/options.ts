// Internal: every option of the package's constructors is checked here, before anything is
// opened, so a constructor that throws never leaves a connection behind.
import type { BoundedMap, BoundedMapOptions } from '@leakproof/cache';
import {
  invalidArgType,
  invalidArgValue,
  validateDuration,
  validateInteger,
  validateObject,
  validateOptions,
  validatePositiveInteger,
  validateString,
} from '@leakproof/core';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import type { InvalidationPort } from './invalidation.js';
import { isRedisClient, type RedisClient } from './redis-client.js';
import { jsonSerializer, type Serializer } from './serializer.js';
import type { CacheTier } from './tier.js';
import { validateNamespace, validateTtl } from './validate.js';
import { validateSerializer } from './value-codec.js';

/** The largest value Redis accepts (512 MiB), and so the ceiling of `maxValueBytes`. */
export const MAX_REDIS_VALUE_BYTES = 512 * 1024 * 1024;
const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;

/** Checks `value` as an options object of `owner` that may only hold `known` keys. */
export function checkOptions<T extends object>(
  value: unknown,
  known: readonly string[],
  owner: string,
): Partial<T> {
  return validateOptions<T>(value, 'options', known, { owner, hints: HINTS });
}

// Names users bring from elsewhere, and the old name of `invalidation`.
const HINTS: Readonly<Record<string, string>> = {
  bus: 'invalidation',
  timeout: 'timeoutMs',
  prefix: 'namespace',
  keyPrefix: 'namespace',
  client: 'redis',
};

const optional = <T>(value: unknown, check: (v: unknown) => T, fallback: T): T =>
  value === undefined ? fallback : check(value);

// ---------------------------------------------------------------- CircuitBreaker

const BREAKER_KEYS = ['failureThreshold', 'cooldownMs', 'name', 'now'] as const;

export interface ParsedBreakerOptions {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly name: string | undefined;
  readonly now: (() => number) | undefined;
}

export function parseBreakerOptions(value: unknown): ParsedBreakerOptions {
  const o = checkOptions<CircuitBreakerOptions>(value, BREAKER_KEYS, 'CircuitBreaker');
  const now = o.now;
  if (now !== undefined && typeof now !== 'function') throw invalidArgType('options.now', 'a function', now);
  return {
    failureThreshold: optional(
      o.failureThreshold,
      (v) => validatePositiveInteger(v, 'options.failureThreshold', 1_000_000),
      5,
    ),
    cooldownMs: optional(o.cooldownMs, (v) => validateDuration(v, 'options.cooldownMs'), 1000),
    name: o.name === undefined ? undefined : validateString(o.name, 'options.name'),
    now,
  };
}

// ---------------------------------------------------------------- shared by the tiers

function maxValueBytes(value: unknown): number {
  return optional(
    value,
    (v) => validatePositiveInteger(v, 'options.maxValueBytes', MAX_REDIS_VALUE_BYTES),
    DEFAULT_MAX_VALUE_BYTES,
  );
}

function serializer<V>(value: unknown): Serializer<V> {
  return value === undefined ? (jsonSerializer as Serializer<V>) : validateSerializer<V>(value);
}

function name(value: unknown): string | undefined {
  return value === undefined ? undefined : validateString(value, 'options.name');
}

// ---------------------------------------------------------------- RedisCache

const REDIS_CACHE_KEYS = [
  'redis',
  'namespace',
  'ttl',
  'maxValueBytes',
  'serializer',
  'timeoutMs',
  'maxPending',
  'breaker',
  'scanCount',
  'name',
  'clock',
] as const;

/** A time source in milliseconds (`performance` is the default; tests pass a fake one). */
export interface Clock {
  now(): number;
}

export interface ParsedRedisCacheOptions<V> {
  readonly redis: RedisClient | string | Record<string, unknown>;
  readonly namespace: string;
  readonly ttl: number;
  readonly maxValueBytes: number;
  readonly serializer: Serializer<V>;
  readonly timeoutMs: number;
  readonly maxPending: number;
  /** A breaker to share, or the checked options of the cache's own. */
  readonly breaker: CircuitBreaker | ParsedBreakerOptions;
  readonly scanCount: number;
  readonly name: string | undefined;
  readonly clock: Clock | undefined;
}

function clock(value: unknown): Clock | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as Clock).now !== 'function') {
    throw invalidArgType('options.clock', 'an object with a now() method', value);
  }
  return value as Clock;
}

export function parseRedisCacheOptions<V>(value: unknown): ParsedRedisCacheOptions<V> {
  if (value === undefined) throw invalidArgType('options', 'an object', value);
  const o = checkOptions<Record<(typeof REDIS_CACHE_KEYS)[number], unknown>>(
    value,
    REDIS_CACHE_KEYS,
    'RedisCache',
  );
  const redis = o.redis;
  if (
    !isRedisClient(redis) &&
    typeof redis !== 'string' &&
    (typeof redis !== 'object' || redis === null || Array.isArray(redis))
  ) {
    throw invalidArgType(
      'options.redis',
      'an ioredis Redis or Cluster, a redis:// URL or ioredis options',
      redis,
    );
  }
  const breaker = o.breaker;
  let parsedBreaker: CircuitBreaker | ParsedBreakerOptions;
  if (breaker instanceof CircuitBreaker) parsedBreaker = breaker;
  else if (breaker === undefined || (typeof breaker === 'object' && breaker !== null)) {
    parsedBreaker = parseBreakerOptions(breaker);
  } else {
    throw invalidArgType('options.breaker', 'a CircuitBreaker or CircuitBreaker options', breaker);
  }
  return {
    redis: redis as ParsedRedisCacheOptions<V>['redis'],
    namespace: validateNamespace(o.namespace, 'options.namespace'),
    ttl: validateTtl(o.ttl, 'options.ttl'),
    maxValueBytes: maxValueBytes(o.maxValueBytes),
    serializer: serializer<V>(o.serializer),
    timeoutMs: optional(o.timeoutMs, (v) => validateDuration(v, 'options.timeoutMs', { min: 1 }), 1000),
    maxPending: optional(
      o.maxPending,
      (v) => validatePositiveInteger(v, 'options.maxPending', 1_000_000),
      10_000,
    ),
    breaker: parsedBreaker,
    scanCount: optional(
      o.scanCount,
      (v) => validateInteger(v, 'options.scanCount', { min: 1, max: 100_000 }),
      250,
    ),
    name: name(o.name),
    clock: clock(o.clock),
  };
}

// ---------------------------------------------------------------- MemoryCache

const MEMORY_CACHE_KEYS = ['max', 'maxBytes', 'ttl', 'maxValueBytes', 'serializer', 'name'] as const;

export interface ParsedMemoryCacheOptions<V> {
  readonly max: number | undefined;
  readonly maxBytes: number | undefined;
  readonly ttl: number;
  readonly maxValueBytes: number;
  readonly serializer: Serializer<V>;
  readonly name: string | undefined;
}

export function parseMemoryCacheOptions<V>(value: unknown): ParsedMemoryCacheOptions<V> {
  if (value === undefined) throw invalidArgType('options', 'an object', value);
  const o = checkOptions<Record<(typeof MEMORY_CACHE_KEYS)[number], unknown>>(
    value,
    MEMORY_CACHE_KEYS,
    'MemoryCache',
  );
  // The bounds are checked by the map; named here so the messages name the option.
  const max = o.max === undefined ? undefined : validatePositiveInteger(o.max, 'options.max');
  const maxBytes =
    o.maxBytes === undefined
      ? undefined
      : validatePositiveInteger(o.maxBytes, 'options.maxBytes', Number.MAX_SAFE_INTEGER);
  if (max === undefined && maxBytes === undefined) {
    throw invalidArgValue(
      'options.max',
      'a positive integer, or options.maxBytes (a MemoryCache needs a bound)',
      undefined,
    );
  }
  return {
    max,
    maxBytes,
    ttl: validateTtl(o.ttl, 'options.ttl'),
    maxValueBytes: maxValueBytes(o.maxValueBytes),
    serializer: serializer<V>(o.serializer),
    name: name(o.name),
  };
}

// ---------------------------------------------------------------- TieredCache

const TIERED_CACHE_KEYS = ['l1', 'l2', 'invalidation', 'l1MaxTtl', 'name'] as const;

export interface ParsedTieredCacheOptions<V> {
  readonly l1: BoundedMap<string, V> | BoundedMapOptions<string, V>;
  readonly l2: CacheTier<V>;
  /** The port to listen on; `undefined`: none (L1 serves until its entries expire). */
  readonly port: InvalidationPort | undefined;
  readonly l1MaxTtl: number;
  readonly name: string | undefined;
}

export function parseTieredCacheOptions<V>(value: unknown): ParsedTieredCacheOptions<V> {
  if (value === undefined) throw invalidArgType('options', 'an object', value);
  const o = checkOptions<Record<(typeof TIERED_CACHE_KEYS)[number], unknown>>(
    value,
    TIERED_CACHE_KEYS,
    'TieredCache',
  );
  const l2 = validateObject<CacheTier<V>>(o.l2, 'options.l2');
  if (typeof l2.get !== 'function' || typeof l2.set !== 'function' || typeof l2.delete !== 'function') {
    throw invalidArgType('options.l2', 'a cache tier (RedisCache or MemoryCache)', l2);
  }
  const invalidation = o.invalidation;
  if (invalidation !== undefined && typeof invalidation !== 'boolean') {
    throw invalidArgType('options.invalidation', 'a boolean', invalidation);
  }
  const offered = l2.invalidations;
  if (offered !== undefined && typeof (offered as InvalidationPort).subscribe !== 'function') {
    throw invalidArgType('options.l2.invalidations', 'an invalidation port (with subscribe())', offered);
  }
  if (invalidation === true && offered === undefined) {
    throw invalidArgType(
      'options.l2.invalidations',
      'an invalidation port (options.invalidation is true)',
      offered,
    );
  }
  const l1 = validateObject<BoundedMap<string, V> | BoundedMapOptions<string, V>>(o.l1, 'options.l1');
  return {
    l1,
    l2,
    port: invalidation === false ? undefined : offered,
    l1MaxTtl: optional(o.l1MaxTtl, (v) => validateDuration(v, 'options.l1MaxTtl', { min: 1 }), 60_000),
    name: name(o.name),
  };
}
