import {
  AbortError,
  abortError,
  DisposedError,
  emitLeakproofWarning,
  LeakproofError,
  type Registration,
  raceAbort,
  registerPrimitive,
  unrefInterval,
  validateAbortSignal,
  validateFunction,
  validateInteger,
  validateNumber,
  validateObject,
} from '@leakproof/core';
import { LRUCache } from 'lru-cache';
import { disposeChannel, evictChannel, loadChannel, loadErrorChannel } from './channels.js';
import { UNREGISTERED } from './internal.js';
import { type BoundOptions, type Clock, type EvictReason, resolveBounds, resolveTtl } from './options.js';

/** Options of {@link BoundedMap}. At least one of `max` and `maxBytes` is required. */
export interface BoundedMapOptions<K, V> extends BoundOptions {
  /**
   * The byte size of an entry, a positive integer; used for `maxBytes` and `stats().bytes`.
   * Called once per `set`. Throwing or returning anything but a positive integer fails
   * that `set` and leaves the cache as it was.
   * @default {@link defaultSizeOf} when `maxBytes` is set (bytes are not tracked otherwise)
   */
  readonly sizeOf?: ((value: V, key: K) => number) | undefined;
  /**
   * Called after an entry has left the cache, once the operation that removed it is
   * complete (so it may use the cache again). If it throws, every other removal is still
   * reported, the cache stays consistent, and the error is rethrown from the call that
   * caused the removal (an `AggregateError` when several threw; from the sweep timer, a
   * process warning `LEAKPROOF_CACHE_ON_EVICT_THREW`).
   */
  readonly onEvict?: ((value: V, key: K, reason: EvictReason) => void) | undefined;
}

/** Per-entry options of {@link BoundedMap.set}. */
export interface SetOptions {
  /** This entry's time to live in ms (1 to 2^31-1, or `Infinity` for none). @default the map's `ttl` */
  readonly ttl?: number | undefined;
  /** This entry's byte size, instead of calling `sizeOf` (ignored when bytes are not tracked). */
  readonly size?: number | undefined;
}

/** Options of {@link BoundedMap.getOrLoad}. */
export interface GetOrLoadOptions {
  /** Time to live of the loaded entry. @default the map's `ttl` */
  readonly ttl?: number | undefined;
  /** Aborting rejects this caller only; the load itself is aborted once every caller has gone. */
  readonly signal?: AbortSignal | undefined;
}

/** What a loader receives besides the key. */
export interface LoadContext {
  /** Aborts when every caller waiting for this load has gone, or the map is disposed. */
  readonly signal: AbortSignal;
}

/** The figures {@link BoundedMap.stats} reports; all plain numbers. */
export interface CacheStats {
  readonly [figure: string]: number;
  /** `get`/`getOrLoad` calls answered from the cache. */
  readonly hits: number;
  /** `get`/`getOrLoad` calls that found nothing (or only an expired entry). */
  readonly misses: number;
  /** Successful `set` calls (including stores of loaded values). */
  readonly sets: number;
  /** `delete` calls that removed a live entry. */
  readonly deletes: number;
  /** Entries pushed out by `max`/`maxBytes` or shed by `compact`. */
  readonly evictions: number;
  /** Entries removed because their ttl ran out. */
  readonly expirations: number;
  /** Loads `getOrLoad` started. */
  readonly loads: number;
  /** Loads that threw or rejected. */
  readonly loadErrors: number;
  /** Loads in flight now. */
  readonly inflight: number;
  /** Live entries. */
  readonly size: number;
  /** Sum of the entries' sizes (0 when neither `maxBytes` nor `sizeOf` is given). */
  readonly bytes: number;
  /** The `max` bound, 0 when only `maxBytes` bounds the map. */
  readonly max: number;
  /** The `maxBytes` bound, 0 when only `max` bounds the map. */
  readonly maxBytes: number;
}

interface Flight<K, V> {
  readonly key: K;
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  readonly reject: (error: unknown) => void;
  waiters: number;
  done: boolean;
}

// lru-cache deletes on `set(k, undefined)`: `undefined` values are stored as this stand-in.
// (An `undefined` key works in its Map; only its key iterators skip it, so we iterate with
// `rforEach`, which does not.)
const UNDEFINED_VALUE: object = Object.freeze({ undefined: 'value' });

type Engine = LRUCache<object, object>;

const noop = (): void => {};

// Module-level, not closures in the constructor: a closure there would share the
// constructor's context (which holds `this` for the engine's dispose hook), and the
// registry would then keep every map alive.
const readStats = (target: { stats(): CacheStats }): CacheStats => target.stats();
const compactBy = (target: { compact(fraction: number): number }, fraction: number): void => {
  target.compact(fraction);
};

/**
 * A `Map` with a hard bound: at most `max` entries and/or `maxBytes` bytes, least recently
 * used evicted first, optional per-entry `ttl`. It implements `Map<K, V>`, so it goes
 * wherever a `Map` went. The differences are the ones the bound forces:
 *
 * - entries leave on their own (eviction, expiry); `get` makes an entry most recent;
 * - iteration runs from least to most recently used and does not change recency; it walks
 *   the keys present when it starts, skipping any removed since (keys added meanwhile are
 *   not visited);
 * - `set` of an entry larger than `maxBytes` throws `ERR_CACHE_ENTRY_TOO_LARGE`.
 *
 * `undefined` is a value like any other. Expired entries are never observable: `get`,
 * `has`, `size` and iteration treat them as absent.
 *
 * @example
 * ```ts
 * const products = new BoundedMap<string, Product>({ max: 10_000, ttl: 60_000 });
 * products.set(id, product);
 * const p = await products.getOrLoad(id, (id, { signal }) => db.product(id, { signal }));
 * ```
 */
export class BoundedMap<K, V> implements Map<K, V> {
  readonly #lru: Engine;
  readonly #clock: Clock;
  readonly #resolution: number;
  readonly #max: number;
  readonly #maxBytes: number;
  readonly #sizeOf: ((value: V, key: K) => number) | undefined;
  readonly #ttl: number;
  readonly #sweepInterval: number | false;
  readonly #onEvict: ((value: V, key: K, reason: EvictReason) => void) | undefined;
  // Reused on every call: lru-cache allocates a fresh options object when given none.
  readonly #setOptions: LRUCache.SetOptions<object, object, unknown> = { ttl: 0, size: 0 };
  readonly #readOptions: {} = {};
  readonly #registration: Registration | undefined;
  /** Removals waiting to be reported, flat: value, key, reason, value, key, reason, ... */
  readonly #queue: unknown[] | undefined;
  #flushing = false;
  #reason: EvictReason | undefined;
  #nextExpiry = Number.POSITIVE_INFINITY;
  #sweep: NodeJS.Timeout | undefined;
  #inflight: Map<K, Flight<K, V>> | undefined;
  #disposed = false;
  #gets = 0;
  #misses = 0;
  #sets = 0;
  #deletes = 0;
  #evictions = 0;
  #expirations = 0;
  #loads = 0;
  #loadErrors = 0;

  /** The name given in the options, or the registry's `cache#<id>`. */
  readonly name: string;

  constructor(options: BoundedMapOptions<K, V>) {
    const input = validateObject<BoundedMapOptions<K, V> & { [UNREGISTERED]?: boolean }>(options, 'options');
    const bounds = resolveBounds<K, V>(input, 'BoundedMap', input.sizeOf, 'sizeOf');
    this.#onEvict =
      input.onEvict === undefined
        ? undefined
        : validateFunction<(value: V, key: K, reason: EvictReason) => void>(input.onEvict, 'onEvict');
    this.#max = bounds.max;
    this.#maxBytes = bounds.maxBytes;
    this.#sizeOf = bounds.sizeOf;
    this.#ttl = bounds.ttl;
    this.#sweepInterval = bounds.sweepInterval;
    // lru-cache treats a start time of 0 as "no ttl": keep a fake clock that starts at 0 above it.
    const clock = bounds.clock;
    this.#clock = clock === undefined ? performance : { now: () => clock.now() + 1 };
    // lru-cache caches its clock reading for 1 ms on a real clock; a fake clock must be exact.
    this.#resolution = bounds.clock === undefined ? 1 : 0;
    this.#queue = this.#onEvict === undefined ? undefined : [];
    const engine: LRUCache.OptionsBase<object, object, unknown> = {
      dispose: (value, key, reason) => this.#removed(value, key, reason),
      ttlResolution: this.#resolution,
      perf: this.#clock,
    };
    if (bounds.max !== 0) engine.max = bounds.max;
    if (bounds.maxBytes !== 0) engine.maxSize = bounds.maxBytes;
    else if (bounds.sizeOf !== undefined) engine.maxEntrySize = Number.MAX_SAFE_INTEGER;
    this.#lru = new LRUCache<object, object>(engine as LRUCache.Options<object, object, unknown>);
    if (input[UNREGISTERED] === true) {
      this.name = bounds.name ?? 'BoundedMap';
    } else {
      this.#registration = registerPrimitive<BoundedMap<K, V>>(this, {
        kind: 'cache',
        name: bounds.name,
        stats: readStats,
        compact: compactBy,
      });
      this.name = this.#registration.name;
    }
  }

  /** The value for `key`, making it the most recently used; `undefined` when absent or expired. */
  get(key: K): V | undefined {
    // Kept minimal: anything more here measurably slows the hit path (hits = gets - misses).
    this.#gets++;
    const value = this.#lru.get(key as object);
    if (value === undefined || value === UNDEFINED_VALUE) return this.#rareGet(value);
    return value as V;
  }

  /** The value for `key` without touching its recency or the hit/miss figures. */
  peek(key: K): V | undefined {
    const value = this.#lru.peek(key as object, this.#readOptions);
    return (value === UNDEFINED_VALUE ? undefined : value) as V | undefined;
  }

  /** Whether a live entry for `key` exists. Does not change recency. */
  has(key: K): boolean {
    return this.#lru.has(key as object, this.#readOptions);
  }

  /**
   * Stores `value` (which may be `undefined`) as the most recently used entry, evicting the
   * least recently used ones if a bound requires it. Returns the map.
   *
   * @throws `ERR_CACHE_ENTRY_TOO_LARGE` when the entry alone exceeds `maxBytes` (the map is
   *   left as it was); `ERR_DISPOSED` after dispose.
   */
  set(key: K, value: V, options?: SetOptions): this {
    if (this.#disposed) throw new DisposedError(`BoundedMap ${this.name}`);
    const engineOptions = this.#setOptions;
    let ttl = this.#ttl;
    let size: number | undefined;
    if (options !== undefined) {
      validateObject(options, 'options');
      if (options.ttl !== undefined) ttl = resolveTtl(options.ttl, 'ttl');
      if (options.size !== undefined) size = this.#validSize(options.size, 'size');
    }
    if (this.#sizeOf !== undefined) {
      if (size === undefined) size = this.#validSize(this.#sizeOf(value, key), 'sizeOf(value, key)');
      if (this.#maxBytes !== 0 && size > this.#maxBytes) {
        throw new LeakproofError(
          'ERR_CACHE_ENTRY_TOO_LARGE',
          `Entry of ${size} bytes does not fit in BoundedMap ${this.name} (maxBytes ${this.#maxBytes}); it was not stored`,
        );
      }
      engineOptions.size = size;
    }
    engineOptions.ttl = ttl;
    if (this.#inflight !== undefined && this.#inflight.size !== 0) this.#inflight.delete(key);
    this.#sets++;
    const stored = value === undefined ? UNDEFINED_VALUE : (value as object);
    this.#lru.set(key as object, stored, engineOptions);
    if (ttl !== 0) this.#expiresIn(ttl);
    if (this.#queue !== undefined && this.#queue.length !== 0) this.#flush();
    return this;
  }

  /** Removes `key`; `true` when a live entry was removed (an expired one counts as absent). */
  delete(key: K): boolean {
    const k = key as object;
    if (this.#inflight !== undefined && this.#inflight.size !== 0) this.#inflight.delete(key);
    let deleted = false;
    if (this.#lru.has(k, this.#readOptions)) {
      this.#lru.delete(k);
      this.#deletes++;
      deleted = true;
    } else if (this.#nextExpiry !== Number.POSITIVE_INFINITY) {
      this.#lru.get(k, this.#readOptions); // drops the entry if it is there but expired
    }
    if (this.#queue !== undefined && this.#queue.length !== 0) this.#flush();
    return deleted;
  }

  /** Removes every entry (`onEvict` reason `'clear'`). Loads in flight are not stored. */
  clear(): void {
    this.#inflight?.clear();
    this.#reason = 'clear';
    try {
      this.#lru.clear();
    } finally {
      this.#reason = undefined;
    }
    this.#nextExpiry = Number.POSITIVE_INFINITY;
    this.#flush();
  }

  /** The map's default time to live in ms (`ttl` option); `Infinity` when entries do not expire by default. */
  get ttl(): number {
    return this.#ttl === 0 ? Number.POSITIVE_INFINITY : this.#ttl;
  }

  /** Live entries. Counts no expired entry: when one may have expired, they are removed first. */
  get size(): number {
    if (this.#nextExpiry !== Number.POSITIVE_INFINITY && this.#clock.now() >= this.#nextExpiry) this.#purge();
    return this.#lru.size;
  }

  /**
   * Evicts `fraction` (0..1) of the live entries, least recently used first (rounded up;
   * reason `'compact'`), after removing expired ones. The memory governor calls this
   * under pressure. Returns how many live entries it evicted.
   */
  compact(fraction: number): number {
    validateNumber(fraction, 'fraction', 0, 1);
    if (this.#nextExpiry !== Number.POSITIVE_INFINITY) this.#purge();
    const count = Math.ceil(this.#lru.size * fraction);
    this.#reason = 'compact';
    try {
      for (let i = 0; i < count; i++) this.#lru.pop();
    } finally {
      this.#reason = undefined;
    }
    this.#flush();
    return count;
  }

  /** Removes every expired entry now (the sweep does this on its timer). Returns how many. */
  purgeExpired(): number {
    const before = this.#expirations;
    this.#purge();
    return this.#expirations - before;
  }

  /**
   * The value for `key`, or else the result of `loader(key, { signal })`, stored with the
   * given `ttl`. Concurrent misses for one key share one load. A load that throws or
   * rejects is not stored and leaves nothing in flight. A caller's `signal` rejects that
   * caller only (with an `AbortError`); the loader's `signal` aborts when every waiting
   * caller has gone. A `set`, `delete` or `clear` of the key during the load wins: the
   * loaded value is returned to its callers but not stored.
   *
   * @example
   * ```ts
   * const user = await users.getOrLoad(id, (id, { signal }) => fetchUser(id, { signal }), { signal: req.signal });
   * ```
   */
  getOrLoad(
    key: K,
    loader: (key: K, context: LoadContext) => V | PromiseLike<V>,
    options?: GetOrLoadOptions,
  ): Promise<V> {
    validateFunction(loader, 'loader');
    let ttl = this.#ttl;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      validateObject(options, 'options');
      if (options.ttl !== undefined) ttl = resolveTtl(options.ttl, 'ttl');
      if (options.signal !== undefined) signal = validateAbortSignal(options.signal, 'signal');
    }
    if (this.#disposed) throw new DisposedError(`BoundedMap ${this.name}`);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    this.#gets++;
    const value = this.#lru.get(key as object);
    if (value !== undefined) {
      return Promise.resolve((value === UNDEFINED_VALUE ? undefined : value) as V);
    }
    this.#misses++;
    this.#flush();
    this.#inflight ??= new Map();
    const flight = this.#inflight.get(key) ?? this.#load(key, loader, ttl);
    return this.#wait(flight, signal);
  }

  /** Figures for dashboards and the registry; plain numbers. */
  stats(): CacheStats {
    return {
      hits: this.#gets - this.#misses,
      misses: this.#misses,
      sets: this.#sets,
      deletes: this.#deletes,
      evictions: this.#evictions,
      expirations: this.#expirations,
      loads: this.#loads,
      loadErrors: this.#loadErrors,
      inflight: this.#inflight?.size ?? 0,
      size: this.size,
      bytes: this.#lru.calculatedSize,
      max: this.#max,
      maxBytes: this.#maxBytes,
    };
  }

  /** Keys from least to most recently used. Does not change recency. */
  keys(): MapIterator<K> {
    return this.#walk(0) as MapIterator<K>;
  }

  /** Values from least to most recently used. Does not change recency. */
  values(): MapIterator<V> {
    return this.#walk(1) as MapIterator<V>;
  }

  /** `[key, value]` pairs from least to most recently used. Does not change recency. */
  entries(): MapIterator<[K, V]> {
    return this.#walk(2) as MapIterator<[K, V]>;
  }

  /** Same as {@link BoundedMap.entries}. */
  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.#walk(2) as MapIterator<[K, V]>;
  }

  /** Calls `callback(value, key, map)` from least to most recently used. Does not change recency. */
  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    validateFunction(callback, 'callback');
    for (const [key, value] of this.#walk(2) as Generator<[K, V]>) callback.call(thisArg, value, key, this);
  }

  /** `'BoundedMap'`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return 'BoundedMap';
  }

  /**
   * Clears the map (reason `'clear'`), stops the sweep, rejects loads in flight with
   * `ERR_DISPOSED` and leaves the registry. Idempotent. Afterwards reads see an empty map
   * and `set`/`getOrLoad` throw `ERR_DISPOSED`.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
    this.#sweep = undefined;
    this.#registration?.unregister();
    if (this.#inflight !== undefined) {
      const error = new DisposedError(`BoundedMap ${this.name}`);
      for (const flight of this.#inflight.values()) {
        flight.done = true;
        flight.controller.abort(error);
        flight.reject(error);
      }
      this.#inflight.clear();
    }
    if (disposeChannel.hasSubscribers) disposeChannel.publish({ name: this.name });
    this.clear();
  }

  /** Same as {@link BoundedMap.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // --- internals ---

  /** `get` found nothing, or a stored `undefined`. */
  #rareGet(value: object | undefined): undefined {
    if (value === undefined) {
      this.#misses++;
      // A miss may have removed an expired entry: report it.
      if (this.#queue !== undefined && this.#queue.length !== 0) this.#flush();
    }
    return undefined;
  }

  #validSize(size: unknown, name: string): number {
    return validateInteger(size, name, { min: 1, max: Number.MAX_SAFE_INTEGER });
  }

  /** The engine's dispose hook: runs inside the engine's operation, so it only records. */
  #removed(value: object, key: object, engineReason: LRUCache.DisposeReason): void {
    const reason: EvictReason = this.#reason ?? (engineReason === 'fetch' ? 'delete' : engineReason);
    if (reason === 'evict' || reason === 'compact') this.#evictions++;
    else if (reason === 'expire') this.#expirations++;
    if (evictChannel.hasSubscribers) evictChannel.publish({ name: this.name, key, reason });
    if (this.#queue !== undefined)
      this.#queue.push(value === UNDEFINED_VALUE ? undefined : value, key, reason);
  }

  /** Reports queued removals to `onEvict`, after the engine's operation is complete. */
  #flush(): void {
    const queue = this.#queue;
    if (queue === undefined || queue.length === 0 || this.#flushing) return;
    const onEvict = this.#onEvict!;
    this.#flushing = true;
    let errors: unknown[] | undefined;
    try {
      // onEvict may use the map again; what that removes is appended and reported here too.
      for (let i = 0; i < queue.length; i += 3) {
        try {
          onEvict(queue[i] as V, queue[i + 1] as K, queue[i + 2] as EvictReason);
        } catch (error) {
          (errors ??= []).push(error);
        }
      }
    } finally {
      queue.length = 0;
      this.#flushing = false;
    }
    if (errors !== undefined) {
      throw errors.length === 1
        ? errors[0]
        : new AggregateError(errors, `onEvict threw ${errors.length} times`);
    }
  }

  /** Notes that an entry expires `ttl` ms from now, and makes sure the sweep runs. */
  #expiresIn(ttl: number): void {
    const at = this.#clock.now() + ttl - this.#resolution;
    if (at < this.#nextExpiry) this.#nextExpiry = at;
    if (this.#sweep === undefined && this.#sweepInterval !== false && !this.#disposed) this.#startSweep();
  }

  /** Removes expired entries and works out when the next one expires. O(size). */
  #purge(): void {
    this.#lru.purgeStale();
    const now = this.#clock.now();
    let next = Number.POSITIVE_INFINITY;
    const lru = this.#lru;
    lru.rforEach((_value, key) => {
      const remaining = lru.getRemainingTTL(key);
      if (remaining !== Number.POSITIVE_INFINITY && now + remaining < next) next = now + remaining;
    });
    this.#nextExpiry = next === Number.POSITIVE_INFINITY ? next : next - this.#resolution;
    this.#flush();
  }

  #startSweep(): void {
    // The timer holds the map weakly, so a map nobody disposed can still be collected.
    const ref = new WeakRef(this);
    const timer = unrefInterval(() => {
      const map = ref.deref();
      if (map === undefined) clearInterval(timer);
      else map.#sweepNow();
    }, this.#sweepInterval as number);
    this.#sweep = timer;
  }

  #sweepNow(): void {
    if (this.#nextExpiry === Number.POSITIVE_INFINITY || this.#clock.now() < this.#nextExpiry) return;
    try {
      this.#purge();
    } catch (error) {
      emitLeakproofWarning(
        `onEvict of BoundedMap ${this.name} threw during the expiry sweep: ${String(error)}`,
        'LEAKPROOF_CACHE_ON_EVICT_THREW',
      );
    }
  }

  /** Iterates a snapshot of keys taken at the first `next()`, reading each entry when reached. */
  *#walk(kind: 0 | 1 | 2): Generator<unknown, undefined> {
    const lru = this.#lru;
    const keys: object[] = [];
    lru.rforEach((_value, key) => {
      keys.push(key);
    });
    const options = this.#readOptions;
    for (const key of keys) {
      const value = lru.peek(key, options);
      if (value === undefined) continue; // removed or expired since the walk began
      if (kind === 0) yield key;
      else {
        const v = value === UNDEFINED_VALUE ? undefined : value;
        yield kind === 1 ? v : [key, v];
      }
    }
    return undefined;
  }

  #load(key: K, loader: (key: K, context: LoadContext) => V | PromiseLike<V>, ttl: number): Flight<K, V> {
    const controller = new AbortController();
    let resolve!: (value: V) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<V>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(noop); // delivered to every waiter; with none left, nobody needs it
    const flight: Flight<K, V> = { key, promise, controller, reject, waiters: 0, done: false };
    this.#inflight!.set(key, flight);
    this.#loads++;
    if (loadChannel.hasSubscribers) loadChannel.publish({ name: this.name, key });
    let result: V | PromiseLike<V>;
    try {
      result = loader(key, { signal: controller.signal });
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      (value) => {
        if (flight.done) return;
        flight.done = true;
        if (this.#inflight?.get(key) === flight) {
          this.#inflight.delete(key);
          try {
            this.set(key, value, { ttl: ttl === 0 ? Number.POSITIVE_INFINITY : ttl });
          } catch (error) {
            reject(error);
            return;
          }
        }
        resolve(value);
      },
      (error: unknown) => {
        if (flight.done) return;
        flight.done = true;
        if (this.#inflight?.get(key) === flight) this.#inflight.delete(key);
        this.#loadErrors++;
        if (loadErrorChannel.hasSubscribers) loadErrorChannel.publish({ name: this.name, key, error });
        reject(error);
      },
    );
    return flight;
  }

  #wait(flight: Flight<K, V>, signal: AbortSignal | undefined): Promise<V> {
    flight.waiters++;
    if (signal === undefined) return flight.promise;
    return raceAbort(flight.promise, signal, () => this.#leave(flight));
  }

  /** A caller stopped waiting; the last one to go aborts the load. */
  #leave(flight: Flight<K, V>): void {
    flight.waiters--;
    if (flight.waiters !== 0 || flight.done) return;
    flight.done = true;
    if (this.#inflight?.get(flight.key) === flight) this.#inflight.delete(flight.key);
    const error = new AbortError('Every caller waiting for this load has gone');
    flight.controller.abort(error);
    flight.reject(error);
  }
}
