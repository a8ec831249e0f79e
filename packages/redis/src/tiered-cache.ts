import type { BoundedMap, BoundedMapOptions, LoadTicket, ReadTicket } from '@leakproof/cache';
import { BoundedMap as BoundedMapClass, SingleFlight } from '@leakproof/cache';
import {
  abortError,
  DisposedError,
  invalidArgType,
  isLeakproofError,
  type Registration,
  registerPrimitive,
  validateAbortSignal,
  validateFunction,
} from '@leakproof/core';
import { hitChannel, missChannel } from './channels.js';
import { invalidReturnValue } from './errors.js';
import type { InvalidationSubscription } from './invalidation.js';
import { parseTieredCacheOptions } from './options.js';
import type { CacheTier } from './tier.js';
import { callTtl, validateKey } from './validate.js';

/** Options of {@link TieredCache}. */
export interface TieredCacheOptions<V> {
  /**
   * The in-process tier: a `BoundedMap` the cache uses exclusively (cleared, not disposed,
   * on close), or options for one the cache creates and disposes.
   */
  readonly l1: BoundedMap<string, V> | BoundedMapOptions<string, V>;
  /** The shared tier, usually a {@link RedisCache}. Not closed by the cache. */
  readonly l2: CacheTier<V>;
  /**
   * Listen to `l2.invalidations` (Redis' `CLIENT TRACKING` for a {@link RedisCache}) so that
   * any change to a key, by anyone, drops it from L1. `false`: do not (each process's L1
   * then serves what it holds until `l1MaxTtl`, whoever writes meanwhile).
   * @default true when `l2` provides invalidations
   */
  readonly invalidation?: boolean | undefined;
  /**
   * Hard maximum time an entry lives in L1, in ms, whatever TTL it was written with.
   * @default 60000
   */
  readonly l1MaxTtl?: number | undefined;
  /** Name in stats, the registry and diagnostics events. */
  readonly name?: string | undefined;
}

/** Options of {@link TieredCache.getOrLoad}. */
export interface TieredLoadOptions {
  /** TTL of the loaded entry in L2 (L1 keeps it at most `l1MaxTtl`). @default l2's ttl */
  readonly ttl?: number | undefined;
  /** Aborting rejects this caller only; the load's own signal aborts once every caller has gone. */
  readonly signal?: AbortSignal | undefined;
}

/** Options of {@link TieredCache.set}. */
export interface TieredSetOptions {
  /** TTL in L2 (L1 keeps it at most `l1MaxTtl`). @default l2's ttl */
  readonly ttl?: number | undefined;
}

/** Figures of a {@link TieredCache}. */
export type TieredCacheStats = {
  readonly l1Hits: number;
  readonly l2Hits: number;
  readonly misses: number;
  readonly loads: number;
  readonly loadErrors: number;
  /** L2 calls that failed (reads then fell back to the loader). */
  readonly l2Errors: number;
  /** Invalidation messages received from l2 (each may name several keys). */
  readonly invalidationsReceived: number;
  /** Times L1 was flushed because invalidations may have been missed. */
  readonly l1Flushes: number;
  /** 1 while L1 is in use (invalidations are received, or not asked for), 0 while reads bypass it. */
  readonly l1Active: number;
  readonly l1Size: number;
  readonly inflight: number;
};

/**
 * A two-tier cache: a bounded in-process L1 (`BoundedMap`) in front of a shared L2 (Redis).
 * Reads go L1 → L2 → loader, with one load per key per process at a time.
 *
 * Coherence: L1 listens to the tier's invalidations (for a {@link RedisCache}, Redis' own
 * `CLIENT TRACKING`), so any change to a key — by this or any other process, `redis-cli`,
 * a Lua script, expiry, eviction, `FLUSHDB` — drops it from every process's L1. While
 * invalidations may be missed (a tracking connection lost, a failover), L1 is flushed and
 * bypassed (reads go to L2) until they are received again; a value read from L2 is not put
 * in L1 if its key was invalidated, or tracking changed state, while it was being read; and
 * every L1 entry expires after `l1MaxTtl` at most.
 *
 * L1 holds the objects themselves: every reader in the process gets the same object, so
 * treat cached values as immutable.
 *
 * @example
 * ```ts
 * await using l2 = new RedisCache<Product>({ redis: process.env.REDIS_URL!, namespace: 'products', ttl: 300_000 });
 * await using products = new TieredCache<Product>({ l1: { max: 10_000 }, l2 });
 * const p = await products.getOrLoad(id, (id, { signal }) => db.product(id, { signal }));
 * await products.set(id, updated); // every process drops its L1 copy of `id`
 * ```
 */
export class TieredCache<V> {
  /** The cache's name in stats, the registry and diagnostics events. */
  readonly name: string;
  /** The hard maximum L1 TTL in ms. */
  readonly l1MaxTtl: number;
  /** The shared tier. */
  readonly l2: CacheTier<V>;
  readonly #l1: BoundedMap<string, V>;
  readonly #ownsL1: boolean;
  readonly #subscription: InvalidationSubscription | undefined;
  readonly #registration: Registration;
  // One load per key, and read tickets: an L2 call whose key was invalidated (or L1 flushed,
  // or tracking changed state) while it ran is no longer current and does not fill L1.
  readonly #flights = new SingleFlight<string, V>();
  #l1Active: boolean;
  #closing: Promise<void> | undefined;
  #l1Hits = 0;
  #l2Hits = 0;
  #misses = 0;
  #loads = 0;
  #loadErrors = 0;
  #l2Errors = 0;
  #l1Flushes = 0;
  #received = 0;

  constructor(options: TieredCacheOptions<V>) {
    const o = parseTieredCacheOptions<V>(options);
    this.l2 = o.l2;
    this.l1MaxTtl = o.l1MaxTtl;
    const l1 = o.l1;
    if (l1 instanceof BoundedMapClass) {
      this.#l1 = l1;
      this.#ownsL1 = false;
    } else {
      this.#l1 = new BoundedMapClass<string, V>({ ...l1, name: l1.name ?? `${o.name ?? 'tiered'}:l1` });
      this.#ownsL1 = true;
    }
    this.#registration = registerPrimitive(this, { kind: 'tiered-cache', name: o.name });
    this.name = this.#registration.name;
    this.#l1Active = o.port === undefined;
    this.#subscription = o.port?.subscribe({
      invalidate: (keys) => this.#invalidated(keys),
      state: (up) => this.#trackingState(up),
    });
    if (this.#subscription?.up) this.#l1Active = true;
  }

  /** True while L1 serves reads: invalidations are being received (or were not asked for). */
  get l1Active(): boolean {
    return this.#l1Active;
  }

  /**
   * The value for `key` from L1 only, synchronously; `undefined` when L1 does not have it or
   * is bypassed (invalidations may be missed). The fast path for hot keys.
   */
  getLocal(key: string): V | undefined {
    if (!this.#l1Active) return undefined;
    const value = this.#l1.get(key);
    if (value !== undefined) {
      this.#l1Hits++;
      if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.name, tier: 'l1', key });
    }
    return value;
  }

  /**
   * The value for `key`: L1, then L2 (filling L1). `undefined` on a miss. Rejects with
   * `ERR_REDIS_UNAVAILABLE` when L1 does not have it and L2 cannot answer.
   */
  get(key: string): Promise<V | undefined> {
    // Not `async`: an L1 hit costs one settled promise and nothing else.
    if (typeof key !== 'string') return Promise.reject(invalidArgType('key', 'a string', key));
    if (this.#closing !== undefined) return Promise.reject(new DisposedError(`TieredCache ${this.name}`));
    const local = this.getLocal(key);
    return local !== undefined ? Promise.resolve(local) : this.#getFromL2(key);
  }

  // Not `async`: one `then` on the tier's promise, no further promise layer.
  #getFromL2(key: string): Promise<V | undefined> {
    const ticket = this.#flights.track(key);
    let read: Promise<V | undefined>;
    try {
      read = this.l2.get(key);
    } catch (error) {
      read = Promise.reject(error);
    }
    return read.then(
      (value) => this.#readL2(key, ticket, value),
      (error: unknown) => {
        ticket.release();
        this.#l2Errors++;
        throw error;
      },
    );
  }

  #readL2(key: string, ticket: ReadTicket, value: V | undefined): V | undefined {
    const fill = this.#endRead(ticket);
    if (value === undefined) {
      this.#misses++;
      if (missChannel.hasSubscribers) missChannel.publish({ name: this.name, key });
      return undefined;
    }
    this.#l2Hits++;
    if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.name, tier: 'l2', key });
    if (fill) this.#fill(key, value, this.l2.ttl);
    return value;
  }

  /**
   * The value for `key` from L1, L2, or `loader` (stored in both). Concurrent calls for a
   * key in this process share one L2 read and one load. When L2 cannot answer, the
   * loader's value is served (and not kept in L1). A rejected load is not cached. A loader
   * that returns `undefined` rejects with `ERR_INVALID_RETURN_VALUE`.
   */
  async getOrLoad(
    key: string,
    loader: (key: string, context: { signal: AbortSignal }) => V | PromiseLike<V>,
    options?: TieredLoadOptions,
  ): Promise<V> {
    validateKey(key);
    validateFunction(loader, 'loader');
    const ttl = callTtl(options, this.l2.ttl);
    const signal =
      options?.signal === undefined ? undefined : validateAbortSignal(options.signal, 'options.signal');
    this.#assertOpen();
    if (signal?.aborted) throw abortError(signal);
    const local = this.getLocal(key);
    if (local !== undefined) return local;
    return this.#flights.run(key, (ticket) => this.#load(key, loader, ttl, ticket), signal);
  }

  /**
   * Writes `value` to L2; every process (this one included) drops its L1 copy through L2's
   * invalidations, and the next read puts the new value in L1 (without invalidations,
   * `invalidation: false`, L1 takes it at once). Rejects with `ERR_REDIS_UNAVAILABLE` when L2 cannot take it (L1 then
   * drops the key too).
   */
  async set(key: string, value: V, options?: TieredSetOptions): Promise<void> {
    validateKey(key);
    const ttl = callTtl(options, this.l2.ttl);
    this.#assertOpen();
    this.#invalidateLocal(key);
    // Guarded like a read: if the key changes again while this write is in flight, the
    // value written is not kept in L1.
    const ticket = this.#flights.track(key);
    try {
      await this.l2.set(key, value, { ttl });
    } catch (error) {
      ticket.release();
      if (isLeakproofError(error, 'ERR_REDIS_UNAVAILABLE')) this.#l2Errors++;
      throw error;
    }
    // With invalidations, the write's own invalidation is on its way and cannot be told
    // apart from another writer's (Redis merges them): the next read fills L1 instead.
    if (this.#endRead(ticket) && this.#subscription === undefined) this.#fill(key, value, ttl);
  }

  /** Deletes `key` from L2 and L1 (and every other process's L1); resolves `true` when L2 had it. */
  async delete(key: string): Promise<boolean> {
    validateKey(key);
    this.#assertOpen();
    this.#invalidateLocal(key);
    const removed = await this.l2.delete(key).catch((error: unknown) => {
      if (isLeakproofError(error, 'ERR_REDIS_UNAVAILABLE')) this.#l2Errors++;
      throw error;
    });
    this.#invalidateLocal(key);
    return removed;
  }

  /** Clears L2 (the whole namespace), L1, and every other process's L1. */
  async clear(): Promise<void> {
    this.#assertOpen();
    this.#flushL1(false);
    await this.l2.clear();
    this.#flushL1(false);
  }

  /** Plain figures. */
  stats(): TieredCacheStats {
    return {
      l1Hits: this.#l1Hits,
      l2Hits: this.#l2Hits,
      misses: this.#misses,
      loads: this.#loads,
      loadErrors: this.#loadErrors,
      l2Errors: this.#l2Errors,
      invalidationsReceived: this.#received,
      l1Flushes: this.#l1Flushes,
      l1Active: this.#l1Active ? 1 : 0,
      l1Size: this.#l1.size,
      inflight: this.#flights.size,
    };
  }

  /**
   * Stops the cache: stops listening to invalidations, rejects every caller still waiting
   * on a load with `ERR_DISPOSED` (and aborts the loads), disposes L1 (or clears it, when
   * it was yours). `l2` stays open. Idempotent; later calls reject with `ERR_DISPOSED`.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#registration.unregister();
    this.#flights.abortAll(new DisposedError(`TieredCache ${this.name}`));
    this.#l1Active = false;
    if (this.#ownsL1) this.#l1.dispose();
    else this.#l1.clear();
    this.#closing = this.#subscription === undefined ? Promise.resolve() : this.#subscription.close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get [Symbol.toStringTag](): string {
    return 'TieredCache';
  }

  // Runs inside the single flight, which releases the ticket when it settles; `ticket.current`
  // is read at the moment of storing (false once the key was written or invalidated, L1
  // flushed, tracking changed state, or every caller left).
  async #load(
    key: string,
    loader: (key: string, context: { signal: AbortSignal }) => V | PromiseLike<V>,
    ttl: number,
    ticket: LoadTicket,
  ): Promise<V> {
    let l2Down = false;
    try {
      const stored = await this.l2.get(key);
      if (stored !== undefined) {
        this.#l2Hits++;
        if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.name, tier: 'l2', key });
        if (ticket.current) this.#fill(key, stored, ttl);
        return stored;
      }
    } catch (error) {
      // L2 down, slow or holding something unreadable: the loader is the fallback.
      this.#l2Errors++;
      l2Down = isLeakproofError(error, 'ERR_REDIS_UNAVAILABLE');
    }
    this.#misses++;
    if (missChannel.hasSubscribers) missChannel.publish({ name: this.name, key });
    this.#loads++;
    let value: V;
    try {
      value = await loader(key, { signal: ticket.signal });
    } catch (error) {
      this.#loadErrors++;
      throw error;
    }
    if (value === undefined) {
      this.#loadErrors++;
      throw invalidReturnValue('loader', 'a value other than undefined (undefined cannot be cached)', value);
    }
    // A write or invalidation of the key during the load wins, in L2 as in L1: the loaded
    // value goes to its callers only. (`current` is also false once every caller left.)
    let stored = false;
    if (!l2Down && ticket.current) {
      try {
        await this.l2.set(key, value, { ttl });
        stored = true;
      } catch {
        this.#l2Errors++;
      }
    }
    // Stored in L2: with invalidations, as for set(), the next read fills L1.
    if (stored && this.#subscription === undefined && ticket.current) {
      this.#fill(key, value, ttl);
    }
    return value;
  }

  #fill(key: string, value: V, ttl: number): void {
    if (!this.#l1Active || this.#closing !== undefined) return;
    try {
      // The shortest of: the entry's L2 ttl, the hard L1 cap, and L1's own default ttl.
      this.#l1.set(key, value, { ttl: Math.min(ttl, this.l1MaxTtl, this.#l1.ttl) });
    } catch (error) {
      // A value larger than L1's whole byte budget is served from L2 instead.
      if (!isLeakproofError(error, 'ERR_CACHE_ENTRY_TOO_LARGE')) throw error;
    }
  }

  /** Ends an L2 call made under `ticket`; true when its result may go into L1. */
  #endRead(ticket: ReadTicket): boolean {
    const fill = ticket.current && this.#l1Active;
    ticket.release();
    return fill;
  }

  #invalidateLocal(key: string): void {
    this.#l1.delete(key);
    this.#flights.invalidate(key);
  }

  #flushL1(missed: boolean): void {
    this.#flights.invalidateAll();
    if (missed) this.#l1Flushes++;
    if (this.#closing === undefined) this.#l1.clear();
  }

  #invalidated(keys: readonly string[] | null): void {
    if (this.#closing !== undefined) return;
    this.#received++;
    if (keys === null) this.#flushL1(false);
    else for (const key of keys) this.#invalidateLocal(key);
  }

  #trackingState(up: boolean): void {
    if (this.#closing !== undefined) return;
    // Either way, reads that began before the change must not fill L1: they may have read
    // a value whose invalidation was missed.
    this.#flights.invalidateAll();
    if (up) {
      this.#l1Active = true;
      return;
    }
    const wasActive = this.#l1Active;
    this.#l1Active = false;
    this.#flushL1(wasActive);
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new DisposedError(`TieredCache ${this.name}`);
  }
}
