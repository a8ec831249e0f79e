import {
  createError,
  invalidArgType,
  type Registration,
  registerPrimitive,
  validateFunction,
  validateNumber,
} from '@leakproof/core';
import type { CacheStats } from './bounded-map.js';
import { disposeChannel } from './channels.js';
import {
  BOUND_KEYS,
  type BoundOptions,
  construct,
  type EvictReason,
  isIterable,
  isPlainObject,
  resolveTtl,
} from './options.js';
import { estimateSize } from './size-of.js';
import { Store, type StoreSettings } from './store.js';

/** Options of {@link BoundedSet}. At least one of `max` and `maxBytes` is required. */
export interface BoundedSetOptions<T> extends BoundOptions {
  /** The byte size of a member, a positive integer. @default {@link estimateSize} when `maxBytes` is set */
  readonly sizeOf?: ((value: T) => number) | undefined;
  /** Called after a member has left the set; same contract as `BoundedMap`'s `onEvict`. */
  readonly onEvict?: ((value: T, reason: EvictReason) => void) | undefined;
}

/** Per-member options of {@link BoundedSet.add}. */
export interface AddOptions {
  /** This member's time to live in ms (1 to 2^31-1, or `Infinity`). @default the set's `ttl` */
  readonly ttl?: number | undefined;
}

/**
 * What the ES2025 Set methods accept as `other`: a `Set`, a `Map` (its keys), a
 * `BoundedSet`, or any object with `size`, `has` and `keys`.
 */
export interface SetLike<T> {
  readonly size: number;
  has(value: T): boolean;
  keys(): Iterator<T>;
}

/** The option names {@link BoundedSet} reads. */
export const SET_KEYS: readonly string[] = [...BOUND_KEYS, 'sizeOf', 'onEvict'];

const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!;

// Module-level so the registry's strong reference to them cannot capture the set.
const readStats = (set: { stats(): CacheStats }): CacheStats => set.stats();
const compactBy = (set: { compact(fraction: number): number }, fraction: number): void => {
  set.compact(fraction);
};

/**
 * A `Set` with a hard bound: at most `max` members and/or `maxBytes` bytes, optional `ttl`.
 * It is a `Set` (`instanceof Set`, `util.types.isSet`, `structuredClone`), its members live
 * in the Set's own storage, and iteration is the Set's own (insertion order, live). `add`
 * of a present member counts as an access and refreshes its ttl (a heartbeat); `has`
 * changes nothing. The ES2025 methods (`union`, `intersection`, …) return plain `Set`s.
 *
 * @example
 * ```ts
 * // Connected users, forgotten 5 minutes after their last heartbeat.
 * const online = new BoundedSet<string>({ max: 100_000, ttl: 5 * 60_000 });
 * socket.on('heartbeat', () => online.add(userId));
 * ```
 */
export class BoundedSet<T> extends Set<T> {
  /** Created with the first member: an empty set costs its Set, its settings and its registration. */
  #store: Store<T> | undefined;
  readonly #settings: StoreSettings<T>;
  #disposed = false;
  #registration: Registration | undefined;
  #name: string | undefined;

  /** A set bounded by `options`. */
  constructor(options: BoundedSetOptions<T>);
  /** A set bounded by `options`, holding `values` (as many as the bound keeps). */
  constructor(values: Iterable<T> | null | undefined, options: BoundedSetOptions<T>);
  constructor(first?: unknown, second?: unknown) {
    super();
    const { items: values, settings, name } = construct<T>(first, second, 'BoundedSet', SET_KEYS);
    this.#settings = settings;
    this.#name = name;
    if (values !== undefined && values !== null) {
      if (!isIterable(values)) throw invalidArgType('values', 'an iterable', values);
      for (const value of values) this.add(value as T);
    }
  }

  /** The name given in the options, or the registry's `set#<id>`. */
  get name(): string {
    if (this.#name === undefined) this.#register();
    return this.#name ?? 'BoundedSet';
  }

  /**
   * Adds `value` (or, when present, counts an access and refreshes its ttl; its place in
   * iteration order stays), evicting if a bound requires it. The second argument is read
   * only when it is a plain object (`{ ttl? }`), so `array.forEach(set.add, set)` works.
   */
  override add(value: T, options?: AddOptions): this {
    if (this.#disposed) throw createError('ERR_DISPOSED', { what: `BoundedSet ${this.name}` });
    const store = this.#store ?? this.#open();
    let ttl = store.ttl;
    if (options !== undefined && isPlainObject(options) && options.ttl !== undefined) {
      ttl = resolveTtl(options.ttl, 'options.ttl');
    }
    const size = store.sizeOf === undefined ? 0 : store.measure(value, value, undefined);
    if (value === 0) value = 0 as T;
    const slot = store.index.get(value);
    if (slot === undefined) {
      super.add(value);
      store.insert(value, size, ttl);
    } else store.update(slot, size, ttl);
    store.flush();
    return this;
  }

  /** Whether `value` is a live member. Not an access. */
  override has(value: T): boolean {
    const store = this.#store;
    const slot = store?.index.get(value);
    return slot !== undefined && (store!.expires === undefined || store!.live(slot));
  }

  /** Removes `value`; `true` when it was a live member. */
  override delete(value: T): boolean {
    const store = this.#store;
    const slot = store?.index.get(value);
    if (slot === undefined || store === undefined) return super.delete(value);
    const live = store.expires === undefined || store.live(slot);
    store.remove(slot, live ? 'delete' : 'expire');
    store.flush();
    return live;
  }

  /** Removes every member (reason `'clear'`). */
  override clear(): void {
    const store = this.#store;
    store?.clear();
    super.clear();
    store?.flush();
  }

  /** Live members; never counts an expired one. */
  override get size(): number {
    const store = this.#store ?? (super.size === 0 ? undefined : this.#open());
    if (store === undefined) return 0;
    store.purgeIfDue();
    store.checkHost();
    store.flush();
    return setSize.call(this);
  }

  /** Evicts `fraction` (0..1) of the members, least valuable first; returns how many. */
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

  /** Removes every expired member now; returns how many. */
  purgeExpired(): number {
    const store = this.#store;
    if (store === undefined) return 0;
    const removed = store.purge();
    store.flush();
    return removed;
  }

  /** Figures as {@link BoundedMap.stats} reports them (`hits`/`misses`/`loads` stay 0). */
  stats(): CacheStats {
    const size = this.size;
    const store = this.#store;
    return {
      hits: 0,
      misses: 0,
      sets: store?.sets ?? 0,
      deletes: store?.deletes ?? 0,
      evictions: store?.evictions ?? 0,
      expirations: store?.expirations ?? 0,
      loads: 0,
      loadErrors: 0,
      inflight: 0,
      size,
      bytes: store?.bytes ?? 0,
      max: this.#settings.max,
      maxBytes: this.#settings.maxBytes,
    };
  }

  /** Members in insertion order (a native Set iterator); also `keys` and `[Symbol.iterator]`. */
  override values(): SetIterator<T> {
    this.#beforeIteration();
    return super.values();
  }

  /** `[value, value]` pairs, as `Set#entries` gives them. */
  override entries(): SetIterator<[T, T]> {
    this.#beforeIteration();
    return super.entries();
  }

  /** Calls `callback(value, value, set)` in insertion order. */
  override forEach(callback: (value: T, value2: T, set: Set<T>) => void, thisArg?: unknown): void {
    validateFunction(callback, 'callback');
    this.#beforeIteration();
    super.forEach(callback, thisArg);
  }

  /** A plain `Set` of the members of this set and of `other`. */
  union<U>(other: SetLike<U>): Set<T | U> {
    const record = setRecord(other);
    const result = new Set<T | U>(this.values());
    const keys = record.keys();
    for (let step = keys.next(); step.done !== true; step = keys.next()) result.add(step.value);
    return result;
  }

  /** A plain `Set` of the members of this set that are also in `other`. */
  intersection<U>(other: SetLike<U>): Set<T & U> {
    const record = setRecord(other);
    const result = new Set<T & U>();
    if (this.size <= record.size) {
      for (const value of this.values()) if (record.has(value as unknown as U)) result.add(value as T & U);
    } else {
      const keys = record.keys();
      for (let step = keys.next(); step.done !== true; step = keys.next()) {
        if (this.has(step.value as unknown as T)) result.add(step.value as T & U);
      }
    }
    return result;
  }

  /** A plain `Set` of the members of this set that are not in `other`. */
  difference<U>(other: SetLike<U>): Set<T> {
    const record = setRecord(other);
    const result = new Set<T>(this.values());
    if (this.size <= record.size) {
      for (const value of this.values()) if (record.has(value as unknown as U)) result.delete(value);
    } else {
      const keys = record.keys();
      for (let step = keys.next(); step.done !== true; step = keys.next())
        result.delete(step.value as unknown as T);
    }
    return result;
  }

  /** A plain `Set` of the members in exactly one of this set and `other`. */
  symmetricDifference<U>(other: SetLike<U>): Set<T | U> {
    const record = setRecord(other);
    const result = new Set<T | U>(this.values());
    const keys = record.keys();
    for (let step = keys.next(); step.done !== true; step = keys.next()) {
      const value = step.value;
      if (this.has(value as unknown as T)) result.delete(value);
      else result.add(value);
    }
    return result;
  }

  /** Whether every member of this set is in `other`. */
  isSubsetOf(other: SetLike<unknown>): boolean {
    const record = setRecord(other);
    if (this.size > record.size) return false;
    for (const value of this.values()) if (!record.has(value)) return false;
    return true;
  }

  /** Whether every member of `other` is in this set. */
  isSupersetOf(other: SetLike<unknown>): boolean {
    const record = setRecord(other);
    if (this.size < record.size) return false;
    const keys = record.keys();
    for (let step = keys.next(); step.done !== true; step = keys.next()) {
      if (!this.has(step.value as T)) return false;
    }
    return true;
  }

  /** Whether this set and `other` have no member in common. */
  isDisjointFrom(other: SetLike<unknown>): boolean {
    const record = setRecord(other);
    if (this.size <= record.size) {
      for (const value of this.values()) if (record.has(value)) return false;
    } else {
      const keys = record.keys();
      for (let step = keys.next(); step.done !== true; step = keys.next()) {
        if (this.has(step.value as T)) return false;
      }
    }
    return true;
  }

  /** Clears the set, stops its sweep, leaves the registry. Idempotent; `add` then throws `ERR_DISPOSED`. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const store = this.#store;
    if (store !== undefined) {
      store.disposed = true;
      store.stopSweep();
    }
    this.#registration?.unregister();
    if (disposeChannel.hasSubscribers) disposeChannel.publish({ name: this.name });
    this.clear();
  }

  /** Same as {@link BoundedSet.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  #beforeIteration(): void {
    const store = this.#store;
    if (store === undefined) return;
    store.purgeIfDue();
    store.flush();
  }

  /** Registered when it first holds a member or its name is read, so an empty set costs little. */
  #register(): void {
    if (this.#registration !== undefined || this.#disposed) return;
    this.#registration = registerPrimitive<BoundedSet<T>>(this, {
      kind: 'set',
      name: this.#name,
      stats: readStats,
      compact: compactBy,
    });
    this.#name = this.#registration.name;
  }

  #open(): Store<T> {
    const store = new Store<T>(this as Set<T>, this.#settings);
    this.#register();
    store.name = this.name;
    this.#store = store;
    return store;
  }
}

// A Set's `keys` and [Symbol.iterator] are its `values` function itself.
for (const name of ['keys', Symbol.iterator] as const) {
  Object.defineProperty(BoundedSet.prototype, name, {
    value: BoundedSet.prototype.values,
    writable: true,
    configurable: true,
  });
}

/** GetSetRecord: `other` must have a numeric `size` and callable `has` and `keys`. */
function setRecord<U>(other: SetLike<U>): { size: number; has(value: U): boolean; keys(): Iterator<U> } {
  if (typeof other !== 'object' || other === null) throw invalidArgType('other', 'a set-like object', other);
  const size = Number(other.size);
  if (Number.isNaN(size)) throw invalidArgType('other.size', 'a number', other.size);
  const has = other.has;
  const keys = other.keys;
  if (typeof has !== 'function') throw invalidArgType('other.has', 'a function', has);
  if (typeof keys !== 'function') throw invalidArgType('other.keys', 'a function', keys);
  return {
    size,
    has: (value) => Boolean(has.call(other, value)),
    keys: () => {
      const iterator = keys.call(other);
      if (typeof iterator !== 'object' || iterator === null) {
        throw invalidArgType('other.keys()', 'an iterator', iterator);
      }
      return iterator;
    },
  };
}
