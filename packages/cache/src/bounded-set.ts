import { type Registration, registerPrimitive, validateFunction, validateObject } from '@leakproof/core';
import { BoundedMap, type BoundedMapOptions, type CacheStats } from './bounded-map.js';
import { UNREGISTERED } from './internal.js';
import type { BoundOptions, EvictReason } from './options.js';
import { estimateSize } from './size-of.js';

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
 * A `Set` with a hard bound: at most `max` members and/or `maxBytes` bytes, least recently
 * added (or re-added) evicted first, optional `ttl`. It implements `Set<T>`. `add` of a
 * present member refreshes its recency and ttl; `has` changes nothing. Iteration runs from
 * least to most recently added, like `BoundedMap`'s.
 *
 * @example
 * ```ts
 * // Connected users, forgotten 5 minutes after their last heartbeat.
 * const online = new BoundedSet<string>({ max: 100_000, ttl: 5 * 60_000 });
 * socket.on('heartbeat', () => online.add(userId));
 * ```
 */
export class BoundedSet<T> implements Set<T> {
  readonly #map: BoundedMap<T, true>;
  readonly #registration: Registration;
  #disposed = false;

  /** The name given in the options, or the registry's `set#<id>`. */
  readonly name: string;

  constructor(options: BoundedSetOptions<T>) {
    const input = validateObject<BoundedSetOptions<T>>(options, 'options');
    const onEvict =
      input.onEvict === undefined
        ? undefined
        : validateFunction<(value: T, reason: EvictReason) => void>(input.onEvict, 'onEvict');
    const sizeOf =
      input.sizeOf === undefined ? undefined : validateFunction<(value: T) => number>(input.sizeOf, 'sizeOf');
    const mapOptions: BoundedMapOptions<T, true> & { [UNREGISTERED]: true } = {
      ...input,
      name: input.name ?? 'BoundedSet',
      sizeOf:
        sizeOf === undefined
          ? input.maxBytes === undefined
            ? undefined
            : memberSize
          : (_, value) => sizeOf(value),
      onEvict: onEvict === undefined ? undefined : (_, value, reason) => onEvict(value, reason),
      [UNREGISTERED]: true,
    };
    this.#map = new BoundedMap<T, true>(mapOptions);
    this.#registration = registerPrimitive<BoundedSet<T>>(this, {
      kind: 'set',
      name: input.name,
      stats: readStats,
      compact: compactBy,
    });
    this.name = this.#registration.name;
  }

  /** Adds `value` as the most recent member (refreshing its ttl), evicting if a bound requires it. */
  add(value: T, options?: AddOptions): this {
    this.#map.set(value, true, options);
    return this;
  }

  /** Whether `value` is a live member. Does not change recency. */
  has(value: T): boolean {
    return this.#map.has(value);
  }

  /** Removes `value`; `true` when it was a live member. */
  delete(value: T): boolean {
    return this.#map.delete(value);
  }

  /** Removes every member (reason `'clear'`). */
  clear(): void {
    this.#map.clear();
  }

  /** Live members; never counts an expired one. */
  get size(): number {
    return this.#map.size;
  }

  /** Evicts `fraction` (0..1) of the members, least recent first; returns how many. */
  compact(fraction: number): number {
    return this.#map.compact(fraction);
  }

  /** Removes every expired member now; returns how many. */
  purgeExpired(): number {
    return this.#map.purgeExpired();
  }

  /** Figures as {@link BoundedMap.stats} reports them (`hits`/`misses`/`loads` stay 0). */
  stats(): CacheStats {
    return this.#map.stats();
  }

  /** Members from least to most recently added. Does not change recency. */
  values(): SetIterator<T> {
    return this.#map.keys() as unknown as SetIterator<T>;
  }

  /** Same as {@link BoundedSet.values}. */
  keys(): SetIterator<T> {
    return this.#map.keys() as unknown as SetIterator<T>;
  }

  /** `[value, value]` pairs, as `Set#entries` gives them. */
  entries(): SetIterator<[T, T]> {
    return pairs(this.#map.keys()) as SetIterator<[T, T]>;
  }

  /** Same as {@link BoundedSet.values}. */
  [Symbol.iterator](): SetIterator<T> {
    return this.#map.keys() as unknown as SetIterator<T>;
  }

  /** Calls `callback(value, value, set)` from least to most recently added. */
  forEach(callback: (value: T, value2: T, set: Set<T>) => void, thisArg?: unknown): void {
    validateFunction(callback, 'callback');
    for (const value of this.#map.keys()) callback.call(thisArg, value, value, this);
  }

  /** `'BoundedSet'`, for `Object.prototype.toString`. */
  get [Symbol.toStringTag](): string {
    return 'BoundedSet';
  }

  /** Clears the set, stops its sweep, leaves the registry. Idempotent; `add` then throws `ERR_DISPOSED`. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#registration.unregister();
    this.#map.dispose();
  }

  /** Same as {@link BoundedSet.dispose}, for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

// Module-level so the registry's strong reference to them cannot capture the set.
const readStats = (set: { stats(): CacheStats }): CacheStats => set.stats();
const compactBy = (set: { compact(fraction: number): number }, fraction: number): void => {
  set.compact(fraction);
};

function memberSize(_: true, value: unknown): number {
  return estimateSize(value);
}

function* pairs<T>(values: Iterable<T>): Generator<[T, T], undefined> {
  for (const value of values) yield [value, value];
  return undefined;
}
