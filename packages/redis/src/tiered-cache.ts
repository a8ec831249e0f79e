import { BoundedMap, type BoundedMapOptions } from '@leakproof/cache';
import {
  AbortError,
  abortError,
  DisposedError,
  invalidArgType,
  invalidArgValue,
  isLeakproofError,
  onAbort,
  type Registration,
  registerPrimitive,
  validateAbortSignal,
  validateDuration,
  validateFunction,
  validateObject,
  validateOneOf,
  validateString,
} from '@leakproof/core';
import type { Redis } from 'ioredis';
import { hitChannel, missChannel } from './channels.js';
import { CommandGuard } from './command-guard.js';
import { InvalidationBus } from './invalidation-bus.js';
import { RedisCache } from './redis-cache.js';
import { isCluster, isRedisClient } from './redis-client.js';
import type { CacheTier } from './tier.js';
import { callTtl, validateKey } from './validate.js';

/** How a {@link TieredCache} learns about writes made by other processes. */
export interface TieredBusOptions {
  /**
   * Your own connection to subscribe on, dedicated to this cache (a connection in
   * subscriber mode can run nothing else). It is not closed by the cache. Must be a single
   * `Redis` connection; on a Cluster, `sharded: 'auto'` then means classic pub/sub (pass
   * `sharded: true` only if it is connected to the master owning `<namespace>:__invalidate`). @default a connection the cache creates (`duplicate()` of l2's
   * client, or on a Cluster a connection to the master owning the channel)
   */
  readonly subscriber?: Redis;
  /** Sharded pub/sub (SPUBLISH/SSUBSCRIBE). `'auto'`: on a Cluster of Redis >= 7. @default 'auto' */
  readonly sharded?: boolean | 'auto';
}

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
   * Invalidation across processes. Omitted: on when `l2` is a {@link RedisCache}, with a
   * subscriber the cache creates. An object: with your options. `false`: off (each
   * process's L1 then serves what it holds until `l1MaxTtl`, even after other processes wrote).
   */
  readonly bus?: TieredBusOptions | false;
  /**
   * Hard maximum time an entry lives in L1, in ms, whatever TTL it was written with.
   * Bounds how stale a process can be if an invalidation is ever lost. @default 60000
   */
  readonly l1MaxTtl?: number;
  /** Name in stats, the registry and diagnostics events. */
  readonly name?: string;
}

/** Options of {@link TieredCache.getOrLoad}. */
export interface TieredLoadOptions {
  /** TTL of the loaded entry in L2 (L1 keeps it at most `l1MaxTtl`). @default l2's ttl */
  readonly ttl?: number;
  /** Aborting rejects this caller only; the load's own signal aborts once every caller has gone. */
  readonly signal?: AbortSignal;
}

/** Options of {@link TieredCache.set}. */
export interface TieredSetOptions {
  /** TTL in L2 (L1 keeps it at most `l1MaxTtl`). @default l2's ttl */
  readonly ttl?: number;
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
  readonly invalidationsSent: number;
  readonly invalidationsReceived: number;
  /** Times L1 was flushed because the subscription dropped. */
  readonly l1Flushes: number;
  /** 1 while L1 is in use (the bus is up, or there is no bus), 0 while reads bypass it. */
  readonly l1Active: number;
  readonly l1Size: number;
  readonly inflight: number;
};

interface Flight<V> {
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  waiters: number;
}

/**
 * A two-tier cache: a bounded in-process L1 (`BoundedMap`) in front of a shared L2 (Redis),
 * with cross-process invalidation. Reads go L1 → L2 → loader, with one load per key per
 * process at a time. Writes and deletes go to L2 and publish the key (only the key, and
 * this instance's id) so every other process drops its L1 copy.
 *
 * Staleness is bounded by design: while the subscription is down, L1 is flushed and
 * bypassed (reads go to L2) until it is back, so invalidations missed meanwhile can never
 * serve stale data; a value read from L2 is not put in L1 if an invalidation for its key
 * arrived while it was being read; and every L1 entry expires after `l1MaxTtl` at most.
 *
 * L1 holds the objects themselves: every reader in the process gets the same object, so
 * treat cached values as immutable.
 *
 * @example
 * ```ts
 * await using l2 = new RedisCache<Product>({ redis: process.env.REDIS_URL!, namespace: 'products', ttl: 300_000 });
 * await using products = new TieredCache<Product>({ l1: { max: 10_000 }, l2 });
 * const p = await products.getOrLoad(id, (id, { signal }) => db.product(id, { signal }));
 * await products.set(id, updated); // other processes drop their L1 copy of `id`
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
  readonly #bus: InvalidationBus | undefined;
  readonly #busGuard: CommandGuard | undefined;
  readonly #registration: Registration;
  readonly #flights = new Map<string, Flight<V>>();
  // Keys with L2 reads in flight, and those invalidated while one was: such reads do not fill L1.
  readonly #reading = new Map<string, number>();
  readonly #dirty = new Set<string>();
  #epoch = 0;
  #l1Active: boolean;
  #closing: Promise<void> | undefined;
  #l1Hits = 0;
  #l2Hits = 0;
  #misses = 0;
  #loads = 0;
  #loadErrors = 0;
  #l2Errors = 0;
  #l1Flushes = 0;

  constructor(options: TieredCacheOptions<V>) {
    validateObject(options, 'options');
    const l2 = validateObject<CacheTier<V>>(options.l2, 'l2');
    if (typeof l2.get !== 'function' || typeof l2.set !== 'function' || typeof l2.delete !== 'function') {
      throw invalidArgType('l2', 'a cache tier (RedisCache or MemoryCache)', l2);
    }
    this.l2 = l2;
    this.l1MaxTtl =
      options.l1MaxTtl === undefined ? 60_000 : validateDuration(options.l1MaxTtl, 'l1MaxTtl', { min: 1 });
    const name = options.name === undefined ? undefined : validateString(options.name, 'name');
    const busOption = options.bus;
    let busOptions: TieredBusOptions | undefined;
    if (busOption === false) busOptions = undefined;
    else if (busOption === undefined) busOptions = l2 instanceof RedisCache ? {} : undefined;
    else {
      busOptions = validateObject<TieredBusOptions>(busOption, 'bus');
      if (!(l2 instanceof RedisCache))
        throw invalidArgValue('bus', '`false` when `l2` is not a RedisCache', busOption);
      if (
        busOptions.subscriber !== undefined &&
        (!isRedisClient(busOptions.subscriber) || isCluster(busOptions.subscriber))
      ) {
        throw invalidArgType('bus.subscriber', 'an ioredis Redis connection', busOptions.subscriber);
      }
      if (busOptions.sharded !== undefined)
        validateOneOf(busOptions.sharded, 'bus.sharded', [true, false, 'auto']);
    }
    const l1Input = validateObject<BoundedMap<string, V> | BoundedMapOptions<string, V>>(options.l1, 'l1');
    if (l1Input instanceof BoundedMap) {
      this.#l1 = l1Input;
      this.#ownsL1 = false;
    } else {
      this.#l1 = new BoundedMap<string, V>({ ...l1Input, name: l1Input.name ?? `${name ?? 'tiered'}:l1` });
      this.#ownsL1 = true;
    }
    this.#registration = registerPrimitive(this, { kind: 'tiered-cache', name });
    this.name = this.#registration.name;
    this.#l1Active = busOptions === undefined;
    if (busOptions !== undefined) {
      const redisL2 = l2 as unknown as RedisCache<V>;
      this.#busGuard = new CommandGuard(
        redisL2.client,
        redisL2.breaker,
        redisL2.timeoutMs,
        10_000,
        `TieredCache ${this.name} bus`,
      );
      this.#bus = new InvalidationBus({
        publisher: redisL2.client,
        guard: this.#busGuard,
        channel: `${redisL2.namespace}:__invalidate`,
        subscriber: busOptions.subscriber,
        sharded: busOptions.sharded ?? 'auto',
        name: this.name,
        handlers: {
          invalidate: (keys) => this.#invalidated(keys),
          state: (up) => this.#busState(up),
        },
      });
    }
  }

  /** True while L1 serves reads: the bus is up (or there is no bus). */
  get l1Active(): boolean {
    return this.#l1Active;
  }

  /** This process's instance id on the bus (`undefined` without a bus). */
  get instanceId(): string | undefined {
    return this.#bus?.id;
  }

  /**
   * The value for `key` from L1 only, synchronously; `undefined` when L1 does not have it or
   * is bypassed (bus down). The fast path for hot keys.
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

  async #getFromL2(key: string): Promise<V | undefined> {
    const epoch = this.#beginRead(key);
    let value: V | undefined;
    try {
      value = await this.l2.get(key);
    } catch (error) {
      this.#endRead(key, epoch);
      this.#l2Errors++;
      throw error;
    }
    const fill = this.#endRead(key, epoch);
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
   * The value for `key` from L1, L2, or `loader` (stored in both, and announced so other
   * processes drop stale copies). Concurrent calls for a key in this process share one
   * L2 read and one load. When L2 cannot answer, the loader's value is served (and not
   * kept in L1 unless the bus is up). A rejected load is not cached.
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
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      flight = { promise: this.#load(key, loader, ttl, controller.signal), controller, waiters: 0 };
      const started = flight;
      this.#flights.set(key, started);
      const forget = (): void => {
        if (this.#flights.get(key) === started) this.#flights.delete(key);
      };
      started.promise.then(forget, forget);
    }
    return this.#wait(key, flight, signal);
  }

  /**
   * Writes `value` to L2 and L1 and tells other processes to drop their copy. Rejects with
   * `ERR_REDIS_UNAVAILABLE` when L2 cannot take it (L1 then drops the key too).
   */
  async set(key: string, value: V, options?: TieredSetOptions): Promise<void> {
    validateKey(key);
    const ttl = callTtl(options, this.l2.ttl);
    this.#assertOpen();
    this.#invalidateLocal(key);
    await this.l2.set(key, value, { ttl }).catch((error: unknown) => {
      if (isLeakproofError(error, 'ERR_REDIS_UNAVAILABLE')) this.#l2Errors++;
      throw error;
    });
    // A read that started before this write must not put the old value back.
    this.#invalidateLocal(key);
    this.#fill(key, value, ttl);
    await this.#announce([key]);
  }

  /** Deletes `key` from L2 and L1 and tells other processes; resolves `true` when L2 had it. */
  async delete(key: string): Promise<boolean> {
    validateKey(key);
    this.#assertOpen();
    this.#invalidateLocal(key);
    const removed = await this.l2.delete(key).catch((error: unknown) => {
      if (isLeakproofError(error, 'ERR_REDIS_UNAVAILABLE')) this.#l2Errors++;
      throw error;
    });
    this.#invalidateLocal(key);
    await this.#announce([key]);
    return removed;
  }

  /** Clears L2 (the whole namespace), L1, and every other process's L1. */
  async clear(): Promise<void> {
    this.#assertOpen();
    this.#flushL1(false);
    await this.l2.clear();
    this.#flushL1(false);
    await this.#announce(null);
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
      invalidationsSent: this.#bus?.sent ?? 0,
      invalidationsReceived: this.#bus?.received ?? 0,
      l1Flushes: this.#l1Flushes,
      l1Active: this.#l1Active ? 1 : 0,
      l1Size: this.#l1.size,
      inflight: this.#flights.size,
    };
  }

  /**
   * Stops the cache: the bus unsubscribes (closing the subscriber it created), loads in
   * flight are aborted, L1 is disposed (or cleared, when it was yours). `l2` stays open.
   * Idempotent; later calls reject with `ERR_DISPOSED`.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#registration.unregister();
    const error = new DisposedError(`TieredCache ${this.name}`);
    for (const flight of this.#flights.values()) flight.controller.abort(error);
    this.#flights.clear();
    this.#l1Active = false;
    if (this.#ownsL1) this.#l1.dispose();
    else this.#l1.clear();
    this.#busGuard?.release();
    this.#closing = this.#bus === undefined ? Promise.resolve() : this.#bus.close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get [Symbol.toStringTag](): string {
    return 'TieredCache';
  }

  async #load(
    key: string,
    loader: (key: string, context: { signal: AbortSignal }) => V | PromiseLike<V>,
    ttl: number,
    signal: AbortSignal,
  ): Promise<V> {
    const epoch = this.#beginRead(key);
    let done = false;
    try {
      let l2Down = false;
      try {
        const stored = await this.l2.get(key);
        if (stored !== undefined) {
          this.#l2Hits++;
          if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.name, tier: 'l2', key });
          done = true;
          if (this.#endRead(key, epoch)) this.#fill(key, stored, ttl);
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
        value = await loader(key, { signal });
      } catch (error) {
        this.#loadErrors++;
        throw error;
      }
      if (value === undefined) {
        this.#loadErrors++;
        throw invalidArgValue('loader result', 'defined (`undefined` cannot be cached)', value);
      }
      if (!l2Down && !signal.aborted) {
        try {
          await this.l2.set(key, value, { ttl });
          await this.#announce([key]);
        } catch {
          this.#l2Errors++;
        }
      }
      done = true;
      if (this.#endRead(key, epoch) && !signal.aborted) this.#fill(key, value, ttl);
      return value;
    } finally {
      if (!done) this.#endRead(key, epoch);
    }
  }

  #wait(key: string, flight: Flight<V>, signal: AbortSignal | undefined): Promise<V> {
    flight.waiters++;
    if (signal === undefined) return flight.promise;
    return new Promise<V>((resolve, reject) => {
      let left = false;
      const subscription = onAbort(signal, () => {
        left = true;
        reject(new AbortError('The operation was aborted', { cause: signal.reason }));
        // The last caller gone: abort the load and let the next caller start afresh.
        if (--flight.waiters === 0) {
          if (this.#flights.get(key) === flight) this.#flights.delete(key);
          flight.controller.abort(signal.reason);
        }
      });
      flight.promise.then(
        (value) => {
          subscription.dispose();
          if (!left) resolve(value);
        },
        (error: unknown) => {
          subscription.dispose();
          if (!left) reject(error);
        },
      );
    });
  }

  async #announce(keys: readonly string[] | null): Promise<void> {
    if (this.#bus !== undefined) await this.#bus.publish(keys);
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

  #beginRead(key: string): number {
    this.#reading.set(key, (this.#reading.get(key) ?? 0) + 1);
    return this.#epoch;
  }

  /** Ends an L2 read; true when its result may go into L1. */
  #endRead(key: string, epoch: number): boolean {
    const left = (this.#reading.get(key) ?? 1) - 1;
    const dirty = this.#dirty.has(key);
    if (left === 0) {
      this.#reading.delete(key);
      this.#dirty.delete(key);
    } else {
      this.#reading.set(key, left);
    }
    return !dirty && epoch === this.#epoch && this.#l1Active;
  }

  #invalidateLocal(key: string): void {
    this.#l1.delete(key);
    if (this.#reading.has(key)) this.#dirty.add(key);
  }

  #flushL1(busDown: boolean): void {
    this.#epoch++;
    if (busDown) this.#l1Flushes++;
    if (this.#closing === undefined) this.#l1.clear();
  }

  #invalidated(keys: readonly string[] | null): void {
    if (this.#closing !== undefined) return;
    if (keys === null) this.#flushL1(false);
    else for (const key of keys) this.#invalidateLocal(key);
  }

  #busState(up: boolean): void {
    if (this.#closing !== undefined) return;
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
