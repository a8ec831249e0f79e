import { BoundedMap } from '@leakproof/cache';
import { DisposedError, invalidArgType, type Registration, registerPrimitive } from '@leakproof/core';
import { hitChannel, missChannel } from './channels.js';
import type { InvalidationListener, InvalidationPort, InvalidationSubscription } from './invalidation.js';
import { parseMemoryCacheOptions } from './options.js';
import type { Serializer } from './serializer.js';
import type { CacheTier, TierSetOptions } from './tier.js';
import { callTtl, validateKey } from './validate.js';
import { encodeValue } from './value-codec.js';

/** Options of {@link MemoryCache}. At least one of `max` and `maxBytes` is required. */
export interface MemoryCacheOptions<V> {
  /** Most entries held (least recently used evicted first). */
  readonly max?: number | undefined;
  /** Most bytes of serialized text held. */
  readonly maxBytes?: number | undefined;
  /** Time to live of every entry in ms (required, as for {@link RedisCache}). */
  readonly ttl: number;
  /** Largest serialized value accepted, in bytes. @default 1048576 (1 MiB) */
  readonly maxValueBytes?: number | undefined;
  /** How values become text and back. @default {@link jsonSerializer} */
  readonly serializer?: Serializer<V> | undefined;
  /** Name in stats, the registry and diagnostics events. */
  readonly name?: string | undefined;
}

/** Figures of a {@link MemoryCache}. */
export type MemoryCacheStats = {
  readonly hits: number;
  readonly misses: number;
  readonly sets: number;
  readonly deletes: number;
  readonly evictions: number;
  readonly expirations: number;
  readonly size: number;
  readonly bytes: number;
};

/**
 * An in-process {@link CacheTier}: the same contract and the same value semantics as
 * {@link RedisCache} (values stored as serialized copies, TTL on every entry, size
 * checks, the same errors), held in a `BoundedMap`. Use it as the L2 of a single-process
 * service, or as a stand-in for Redis in your own tests.
 *
 * @example
 * ```ts
 * await using tier = new MemoryCache<Product>({ max: 10_000, ttl: 60_000 });
 * await tier.set('42', product);
 * ```
 */
export class MemoryCache<V> implements CacheTier<V> {
  /** The cache's name in stats, the registry and diagnostics events. */
  readonly name: string;
  /** Default TTL of entries in ms. */
  readonly ttl: number;
  /** Largest serialized value accepted, in bytes. */
  readonly maxValueBytes: number;
  readonly #map: BoundedMap<string, string>;
  readonly #serializer: Serializer<V>;
  readonly #registration: Registration;
  readonly #listeners = new Set<InvalidationListener>();
  readonly #port: InvalidationPort = {
    subscribe: (listener: InvalidationListener): InvalidationSubscription => {
      this.#listeners.add(listener);
      listener.state(true);
      let closed = false;
      return {
        get up() {
          return !closed;
        },
        close: async () => {
          closed = true;
          this.#listeners.delete(listener);
        },
      };
    },
  };
  #closed = false;

  constructor(options: MemoryCacheOptions<V>) {
    const o = parseMemoryCacheOptions<V>(options);
    this.ttl = o.ttl;
    this.maxValueBytes = o.maxValueBytes;
    this.#serializer = o.serializer;
    this.#map = new BoundedMap<string, string>({
      max: o.max,
      maxBytes: o.maxBytes,
      ttl: Math.min(this.ttl, 2 ** 31 - 1),
      ...(o.maxBytes === undefined ? {} : { sizeOf: (text: string) => Math.max(1, text.length * 2) }),
      // Registered on its own too (kind `cache`), so the memory governor can compact it.
      name: `${o.name ?? 'memory-cache'}:map`,
    });
    this.#registration = registerPrimitive(this, { kind: 'memory-cache', name: o.name });
    this.name = this.#registration.name;
  }

  /**
   * The invalidation port: this tier's own writes, deletes and clears, reported to every
   * listener at once and always up. Lets a `TieredCache` over a `MemoryCache` behave as it
   * does over Redis (several in one process stand in for several processes in tests).
   */
  get invalidations(): InvalidationPort {
    return this.#port;
  }

  /** The stored value (a fresh copy), or `undefined` on a miss. */
  async get(key: string): Promise<V | undefined> {
    validateKey(key);
    this.#assertOpen();
    const text = this.#map.get(key);
    if (text === undefined) {
      if (missChannel.hasSubscribers) missChannel.publish({ name: this.name, key });
      return undefined;
    }
    if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.name, tier: 'memory', key });
    return this.#serializer.deserialize(text);
  }

  /** Whether `key` is stored and not expired. */
  async has(key: string): Promise<boolean> {
    validateKey(key);
    this.#assertOpen();
    return this.#map.has(key);
  }

  /** Stores `value` with the tier's TTL (or `options.ttl`); size-checked like {@link RedisCache.set}. */
  async set(key: string, value: V, options?: TierSetOptions): Promise<void> {
    validateKey(key);
    const ttl = callTtl(options, this.ttl);
    const text = encodeValue(value, this.#serializer, this.maxValueBytes);
    this.#assertOpen();
    this.#map.set(key, text, { ttl: Math.min(ttl, 2 ** 31 - 1) });
    this.#notify([key]);
  }

  /** Removes `key`; resolves `true` when it was there. */
  async delete(key: string): Promise<boolean> {
    validateKey(key);
    this.#assertOpen();
    const removed = this.#map.delete(key);
    this.#notify([key]);
    return removed;
  }

  /** The values of `keys` in order, `undefined` for misses. */
  async getMany(keys: readonly string[]): Promise<Array<V | undefined>> {
    if (!Array.isArray(keys)) throw invalidArgType('keys', 'an array of strings', keys);
    for (let i = 0; i < keys.length; i++) validateKey(keys[i], `keys[${i}]`);
    this.#assertOpen();
    return keys.map((k) => {
      const text = this.#map.get(k);
      return text === undefined ? undefined : this.#serializer.deserialize(text);
    });
  }

  /** Stores every entry; every value is checked before any is stored. */
  async setMany(entries: Iterable<readonly [string, V]>, options?: TierSetOptions): Promise<void> {
    const ttl = Math.min(callTtl(options, this.ttl), 2 ** 31 - 1);
    if (typeof (entries as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== 'function') {
      throw invalidArgType('entries', 'an iterable of [key, value] pairs', entries);
    }
    const batch: Array<[string, string]> = [];
    for (const entry of entries) {
      if (!Array.isArray(entry)) throw invalidArgType('entries', 'an iterable of [key, value] pairs', entry);
      batch.push([validateKey(entry[0]), encodeValue(entry[1] as V, this.#serializer, this.maxValueBytes)]);
    }
    this.#assertOpen();
    for (const [k, text] of batch) this.#map.set(k, text, { ttl });
    if (batch.length > 0) this.#notify(batch.map(([k]) => k));
  }

  /** Removes every entry. */
  async clear(): Promise<void> {
    this.#assertOpen();
    this.#map.clear();
    this.#notify(null);
  }

  /** Plain figures from the underlying map. */
  stats(): MemoryCacheStats {
    const s = this.#map.stats();
    return {
      hits: s.hits,
      misses: s.misses,
      sets: s.sets,
      deletes: s.deletes,
      evictions: s.evictions,
      expirations: s.expirations,
      size: s.size,
      bytes: s.bytes,
    };
  }

  /** Drops every entry and leaves the registry. Idempotent; later calls reject with `ERR_DISPOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#registration.unregister();
    this.#map.dispose();
    for (const listener of this.#listeners) listener.state(false);
    this.#listeners.clear();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get [Symbol.toStringTag](): string {
    return 'MemoryCache';
  }

  #notify(keys: readonly string[] | null): void {
    for (const listener of this.#listeners) listener.invalidate(keys);
  }

  #assertOpen(): void {
    if (this.#closed) throw new DisposedError(`MemoryCache ${this.name}`);
  }
}
