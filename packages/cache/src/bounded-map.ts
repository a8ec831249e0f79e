import {
  createError,
  invalidArgType,
  type Registration,
  registerPrimitive,
  validateAbortSignal,
  validateFunction,
  validateInteger,
  validateNumber,
} from '@leakproof/core';
import { disposeChannel, loadChannel, loadErrorChannel } from './channels.js';
import { FLIGHT, UNREGISTERED } from './internal.js';
import {
  BOUND_KEYS,
  type BoundOptions,
  checkOptions,
  construct,
  type EvictReason,
  isIterable,
  isPlainObject,
  resolveTtl,
} from './options.js';
import { type LoadTicket, SingleFlight } from './single-flight.js';
import { Store, type StoreSettings } from './store.js';

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
  /** Loads in flight now (started, not settled, and awaited by at least one caller). */
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

/** The option names {@link BoundedMap} reads. */
export const MAP_KEYS: readonly string[] = [...BOUND_KEYS, 'sizeOf', 'onEvict'];

const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get! as (
  this: Map<unknown, unknown>,
) => number;

// Module-level, not closures in the constructor: the registry holds these strongly.
const readStats = (target: { stats(): CacheStats }): CacheStats => target.stats();
const compactBy = (target: { compact(fraction: number): number }, fraction: number): void => {
  target.compact(fraction);
};

/**
 * A `Map` with a hard bound: at most `max` entries and/or `maxBytes` bytes, optional
 * per-entry `ttl`, and a single-flight {@link BoundedMap.getOrLoad}. It is a `Map`
 * (`instanceof Map`, `util.types.isMap`), its entries live in the Map's own storage (so
 * `structuredClone`, `v8.serialize`, `util.inspect` and `assert.deepEqual` see them), and
 * iteration is the Map's own: insertion order, live, native iterators. Which entry leaves
 * when a bound is reached is the `policy`'s choice (W-TinyLFU by default, or exact LRU),
 * kept beside the storage.
 *
 * The differences from a `Map` are the ones the bound forces: entries leave on their own
 * (eviction, expiry); `set` of an entry larger than `maxBytes` throws
 * `ERR_CACHE_ENTRY_TOO_LARGE`; a constructor without a bound throws.
 *
 * @example
 * ```ts
 * const products = new BoundedMap<string, Product>({ max: 10_000, ttl: 60_000 });
 * products.set(id, product);
 * const p = await products.getOrLoad(id, (id, { signal }) => db.product(id, { signal }));
 * const copy = new BoundedMap(products, { max: 100, policy: 'lru' });
 * ```
 */
export class BoundedMap<K, V> extends Map<K, V> {
  /** Created with the first entry: an empty map costs its Map, its settings and its registration. */
  #store: Store<K> | undefined;
  readonly #settings: StoreSettings<K>;
  #hits = 0;
  #misses = 0;
  #disposed = false;
  #registration: Registration | undefined;
  /** The given name; the registry's `cache#<id>` once registered without one. */
  #name: string | undefined;
  /** Registered when it first holds an entry or its name is read, so an empty map costs little. */
  #unregistered: boolean;
  #flights: SingleFlight<K, V> | undefined;
  #loads = 0;
  #loadErrors = 0;

  /** A map bounded by `options`. */
  constructor(options: BoundedMapOptions<K, V>);
  /** A map bounded by `options`, holding `entries` (as many as the bound keeps, in order). */
  constructor(entries: Iterable<readonly [K, V]> | null | undefined, options: BoundedMapOptions<K, V>);
  constructor(first?: unknown, second?: unknown) {
    super();
    const { items: entries, input, settings, name } = construct<K>(first, second, 'BoundedMap', MAP_KEYS);
    this.#settings = settings;
    this.#name = name;
    this.#unregistered = (input as { [UNREGISTERED]?: boolean | undefined })[UNREGISTERED] === true;
    if (entries !== undefined && entries !== null) {
      if (!isIterable(entries))
        throw invalidArgType('entries', 'an iterable of [key, value] entries', entries);
      for (const entry of entries) {
        if (typeof entry !== 'object' || entry === null) {
          throw invalidArgType('entries', 'an iterable of [key, value] entries', entry);
        }
        const pair = entry as readonly [K, V];
        this.set(pair[0], pair[1]);
      }
    }
  }

  /** The name given in the options, or the registry's `cache#<id>`. */
  get name(): string {
    if (this.#name === undefined) this.#register();
    return this.#name ?? 'BoundedMap';
  }

  /** The value for `key` (an access for the eviction policy); `undefined` when absent or expired. */
  override get(key: K): V | undefined {
    const store = this.#store;
    if (store !== undefined) {
      const slot = store.index.get(key);
      if (slot !== undefined) {
        if (store.expires !== undefined && !store.live(slot)) return this.#expiredGet(store, slot);
        store.policy.touch(slot);
        this.#hits++;
        return super.get(key);
      }
    }
    this.#misses++;
    return undefined;
  }

  /** The value for `key` without counting an access or a hit/miss. */
  peek(key: K): V | undefined {
    const store = this.#store;
    const slot = store?.index.get(key);
    if (slot === undefined || (store!.expires !== undefined && !store!.live(slot))) return undefined;
    return super.get(key);
  }

  /** Whether a live entry for `key` exists. Not an access. */
  override has(key: K): boolean {
    const store = this.#store;
    const slot = store?.index.get(key);
    return slot !== undefined && (store!.expires === undefined || store!.live(slot));
  }

  /**
   * Stores `value` (which may be `undefined`). A new key goes last in iteration order; a
   * present key keeps its place, as in a `Map`. If a bound is then exceeded, the policy
   * evicts. Returns the map. The third argument is read only when it is a plain object
   * (`{ ttl?, size? }`); anything else is ignored, as a `Map` ignores it.
   *
   * @throws `ERR_CACHE_ENTRY_TOO_LARGE` when the entry alone exceeds `maxBytes` (the map is
   *   left as it was); `ERR_DISPOSED` after dispose.
   */
  override set(key: K, value: V, options?: SetOptions): this {
    if (this.#disposed) throw createError('ERR_DISPOSED', { what: `BoundedMap ${this.name}` });
    const store = this.#store ?? this.#open();
    let ttl = store.ttl;
    let size: number | undefined;
    if (options !== undefined && isPlainObject(options)) {
      if (options.ttl !== undefined) ttl = resolveTtl(options.ttl, 'options.ttl');
      if (options.size !== undefined) size = validSize(options.size, 'options.size');
    }
    size = store.sizeOf === undefined ? 0 : store.measure(value, key, size);
    if (key === 0) key = 0 as K; // -0 → +0, as a Map stores it
    if (this.#flights !== undefined) this.#flights.invalidate(key);
    if (store.observed()) {
      // A replaced value is reported: read it before it goes.
      const slot = store.index.get(key);
      if (slot === undefined) {
        super.set(key, value);
        store.insert(key, size, ttl);
      } else {
        const old = super.get(key);
        super.set(key, value);
        if (old !== value) store.replaced(old, key);
        store.update(slot, size, ttl);
      }
      store.flush();
    } else {
      // Nobody hears of replaced values: whether the Map grew tells a new key, one lookup fewer.
      const before = mapSize.call(this);
      super.set(key, value);
      if (mapSize.call(this) !== before) store.insert(key, size, ttl);
      else {
        const slot = store.index.get(key);
        if (slot === undefined)
          store.insert(key, size, ttl); // written around the bookkeeping
        else store.update(slot, size, ttl);
      }
    }
    return this;
  }

  /** Removes `key`; `true` when a live entry was removed (an expired one counts as absent). */
  override delete(key: K): boolean {
    const store = this.#store;
    if (this.#flights !== undefined) this.#flights.invalidate(key);
    const slot = store?.index.get(key);
    if (slot === undefined || store === undefined) {
      // Someone may have written around the bookkeeping: a Map's delete still works.
      return super.delete(key);
    }
    const live = store.expires === undefined || store.live(slot);
    store.remove(slot, live ? 'delete' : 'expire');
    store.flush();
    return live;
  }

  /** Removes every entry (`onEvict` reason `'clear'`). Loads in flight are not stored. */
  override clear(): void {
    this.#flights?.invalidateAll();
    const store = this.#store;
    store?.clear();
    super.clear();
    store?.flush();
  }

  /** Live entries. When an entry may have expired, expired entries are removed first. */
  override get size(): number {
    const store = this.#store ?? (super.size === 0 ? undefined : this.#open());
    if (store === undefined) return 0;
    store.purgeIfDue();
    store.checkHost();
    store.flush();
    return super.size;
  }

  /** The map's default time to live in ms (`ttl` option); `Infinity` when entries do not expire by default. */
  get ttl(): number {
    const ttl = this.#settings.ttl;
    return ttl === 0 ? Number.POSITIVE_INFINITY : ttl;
  }

  /** Keys in insertion order (a native Map iterator), after removing expired entries. */
  override keys(): MapIterator<K> {
    this.#beforeIteration();
    return super.keys();
  }

  /** Values in insertion order (a native Map iterator), after removing expired entries. */
  override values(): MapIterator<V> {
    this.#beforeIteration();
    return super.values();
  }

  /** `[key, value]` pairs in insertion order (a native Map iterator); also `[Symbol.iterator]`. */
  override entries(): MapIterator<[K, V]> {
    this.#beforeIteration();
    return super.entries();
  }

  /** Calls `callback(value, key, map)` in insertion order, as `Map#forEach` does. */
  override forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    validateFunction(callback, 'callback');
    this.#beforeIteration();
    super.forEach(callback, thisArg);
  }

  /**
   * Evicts `fraction` (0..1) of the live entries, least valuable first (rounded up;
   * reason `'compact'`), after removing expired ones. The memory governor calls this
   * under pressure. Returns how many live entries it evicted.
   */
  compact(fraction: number): number {
    validateNumber(fraction, 'fraction', 0, 1);
    const store = this.#store ?? (super.size === 0 ? undefined : this.#open());
    if (store === undefined) return 0;
    store.purge();
    store.checkHost();
    const count = store.compact(Math.ceil(store.index.size * fraction));
    store.flush();
    return count;
  }

  /** Removes every expired entry now (the sweep does this on its timer). Returns how many. */
  purgeExpired(): number {
    const store = this.#store;
    if (store === undefined) return 0;
    const removed = store.purge();
    store.flush();
    return removed;
  }

  /**
   * The value for `key`, or else the result of `loader(key, { signal })`, stored with the
   * given `ttl`. Concurrent misses for one key share one load (see {@link SingleFlight}).
   * A load that throws or rejects is not stored and leaves nothing in flight. A caller's
   * `signal` rejects that caller only (with an `AbortError`); the loader's `signal`
   * aborts when every waiting caller has gone. A `set`, `delete` or `clear` of the key
   * during the load wins: the loaded value is returned to its callers but not stored.
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
    let ttl = this.#settings.ttl;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      checkOptions(options, ['ttl', 'signal'], 'getOrLoad');
      if (options.ttl !== undefined) ttl = resolveTtl(options.ttl, 'options.ttl');
      if (options.signal !== undefined) signal = validateAbortSignal(options.signal, 'options.signal');
    }
    if (this.#disposed) throw createError('ERR_DISPOSED', { what: `BoundedMap ${this.name}` });
    if (key === 0) key = 0 as K;
    const store = this.#store;
    const slot = store?.index.get(key);
    if (slot !== undefined && (store!.expires === undefined || store!.live(slot))) {
      store!.policy.touch(slot);
      this.#hits++;
      return Promise.resolve(super.get(key) as V);
    }
    if (slot !== undefined) this.#expiredGet(store!, slot);
    else this.#misses++;
    this.#flights ??= new SingleFlight<K, V>();
    const flights = this.#flights;
    if (flights.has(key)) return flights.run(key, unreachableLoad, signal);
    return flights.run(key, (ticket) => this.#load(key, loader, ttl, ticket), signal);
  }

  /** Figures for dashboards and the registry; plain numbers. */
  stats(): CacheStats {
    const size = this.size;
    const store = this.#store;
    return {
      hits: this.#hits,
      misses: this.#misses,
      sets: store?.sets ?? 0,
      deletes: store?.deletes ?? 0,
      evictions: store?.evictions ?? 0,
      expirations: store?.expirations ?? 0,
      loads: this.#loads,
      loadErrors: this.#loadErrors,
      inflight: this.#flights?.size ?? 0,
      size,
      bytes: store?.bytes ?? 0,
      max: this.#settings.max,
      maxBytes: this.#settings.maxBytes,
    };
  }

  /**
   * Clears the map (reason `'clear'`), stops the sweep, rejects loads in flight with
   * `ERR_DISPOSED` and leaves the registry. Idempotent. Afterwards reads see an empty map
   * and `set`/`getOrLoad` throw `ERR_DISPOSED`.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const store = this.#store;
    if (store !== undefined) {
      store.disposed = true;
      store.stopSweep();
    }
    this.#registration?.unregister();
    this.#flights?.abortAll(createError('ERR_DISPOSED', { what: `BoundedMap ${this.name}` }));
    if (disposeChannel.hasSubscribers) disposeChannel.publish({ name: this.name });
    this.clear();
  }

  /** Same as {@link BoundedMap.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal See {@link FLIGHT}. */
  [FLIGHT](
    key: K,
    thenable?: PromiseLike<unknown>,
    store?: (value: unknown) => void,
  ): Promise<unknown> | undefined {
    const flights = (this.#flights ??= new SingleFlight<K, V>());
    if (thenable === undefined) return flights.has(key) ? flights.run(key, unreachableLoad) : undefined;
    if (this.#disposed) throw createError('ERR_DISPOSED', { what: `BoundedMap ${this.name}` });
    this.#loads++;
    if (loadChannel.hasSubscribers) loadChannel.publish({ name: this.name, key });
    return (flights as SingleFlight<K, unknown>).run(key, async (ticket) => {
      let value: unknown;
      try {
        value = await thenable;
      } catch (error) {
        this.#loadErrors++;
        if (loadErrorChannel.hasSubscribers) loadErrorChannel.publish({ name: this.name, key, error });
        throw error;
      }
      if (ticket.current && !this.#disposed) store!(value);
      return value;
    });
  }

  // --- internals ---

  #open(): Store<K> {
    const store = new Store<K>(this as Map<K, unknown>, this.#settings);
    this.#register();
    store.name = this.name;
    this.#store = store;
    return store;
  }

  #register(): void {
    if (this.#unregistered || this.#registration !== undefined || this.#disposed) return;
    this.#registration = registerPrimitive<BoundedMap<K, V>>(this, {
      kind: 'cache',
      name: this.#name,
      stats: readStats,
      compact: compactBy,
    });
    this.#name = this.#registration.name;
  }

  #expiredGet(store: Store<K>, slot: number): undefined {
    this.#misses++;
    store.remove(slot, 'expire');
    store.flush();
    return undefined;
  }

  #beforeIteration(): void {
    const store = this.#store;
    if (store === undefined) return;
    store.purgeIfDue();
    store.flush();
  }

  async #load(
    key: K,
    loader: (key: K, context: LoadContext) => V | PromiseLike<V>,
    ttl: number,
    ticket: LoadTicket,
  ): Promise<V> {
    this.#loads++;
    if (loadChannel.hasSubscribers) loadChannel.publish({ name: this.name, key });
    let value: V;
    try {
      value = await loader(key, { signal: ticket.signal });
    } catch (error) {
      this.#loadErrors++;
      if (loadErrorChannel.hasSubscribers) loadErrorChannel.publish({ name: this.name, key, error });
      throw error;
    }
    if (ticket.current && !this.#disposed) {
      this.set(key, value, { ttl: ttl === 0 ? Number.POSITIVE_INFINITY : ttl });
    }
    return value;
  }
}

// A Map's [Symbol.iterator] is its `entries` function itself.
Object.defineProperty(BoundedMap.prototype, Symbol.iterator, {
  value: BoundedMap.prototype.entries,
  writable: true,
  configurable: true,
});

function unreachableLoad(): never {
  throw new Error('unreachable: a load is in flight');
}

function validSize(size: unknown, name: string): number {
  return validateInteger(size, name, { min: 1, max: Number.MAX_SAFE_INTEGER });
}
