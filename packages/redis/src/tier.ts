import type { InvalidationPort } from './invalidation.js';

/** Per-call options of a tier write. */
export interface TierSetOptions {
  /** Time to live of this entry in ms, overriding the tier's `ttl`. */
  readonly ttl?: number | undefined;
}

/**
 * The contract every cache tier satisfies — the in-process {@link MemoryCache} and the
 * shared {@link RedisCache} alike — checked by one conformance suite that runs against
 * both. Values are stored as serialized copies: what `get` returns is never the object
 * that was `set`. Every entry has a TTL. `undefined` is not a storable value (it reads
 * back as a miss).
 */
export interface CacheTier<V> extends AsyncDisposable {
  /** The tier's name in stats, the registry and diagnostics events. */
  readonly name: string;
  /** Default time to live of entries, in ms. */
  readonly ttl: number;
  /** Tells a cache in front of the tier when entries change behind its back (optional). */
  readonly invalidations?: InvalidationPort | undefined;
  /** The stored value, or `undefined` on a miss. */
  get(key: string): Promise<V | undefined>;
  /** Whether the key is stored and not expired. */
  has(key: string): Promise<boolean>;
  /** Stores `value` under `key` with the tier's TTL or `options.ttl`. */
  set(key: string, value: V, options?: TierSetOptions): Promise<void>;
  /** Removes `key`; resolves `true` when it was there. */
  delete(key: string): Promise<boolean>;
  /** The values of `keys`, in order, `undefined` for misses. */
  getMany(keys: readonly string[]): Promise<Array<V | undefined>>;
  /** Stores every entry with the tier's TTL or `options.ttl`. */
  setMany(entries: Iterable<readonly [string, V]>, options?: TierSetOptions): Promise<void>;
  /** Removes every entry of this tier (and only this tier's). */
  clear(): Promise<void>;
  /** Releases what the tier holds. Idempotent; later calls reject with `ERR_DISPOSED`. */
  close(): Promise<void>;
  /** Plain figures. */
  stats(): Readonly<Record<string, number>>;
}
