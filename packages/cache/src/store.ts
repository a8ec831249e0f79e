import { createError, emitLeakproofWarning, unrefInterval, validateInteger } from '@leakproof/core';
import { evictChannel } from './channels.js';
import type { Clock, EvictReason } from './options.js';
import { LruPolicy } from './policy/lru.js';
import type { Policy, PolicyName } from './policy/policy.js';
import { TinyLfuPolicy } from './policy/tiny-lfu.js';

const MapGet = Map.prototype.get;
const MapHas = Map.prototype.has;
const MapDelete = Map.prototype.delete;
const MapKeys = Map.prototype.keys;
const SetHas = Set.prototype.has;
const SetDelete = Set.prototype.delete;
const SetValues = Set.prototype.values;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, 'size')!.get!;

/** Slots are allocated in chunks that double, from this many. */
const FIRST_CAPACITY = 8;

// An empty store allocates nothing of its own: these stand in until the first entry.
const EMPTY_INDEX: Map<never, number> = new Map<never, number>();
const EMPTY: never[] = [];
const performanceNow = (): number => performance.now();

/** What a store needs to know about its bounds and hooks. @internal */
export interface StoreSettings<K> {
  readonly max: number;
  readonly maxBytes: number;
  readonly sizeOf: ((value: unknown, key: K) => number) | undefined;
  readonly ttl: number;
  readonly sweepIntervalMs: number | false;
  readonly clock: Clock | undefined;
  readonly policy: PolicyName;
  /** Receives removals after each operation (value, key, reason); `undefined` when nobody listens. */
  readonly onEvict: ((value: unknown, key: K, reason: EvictReason) => void) | undefined;
}

/**
 * The bookkeeping beside a `BoundedMap`'s or `BoundedSet`'s own storage: which keys it
 * holds (key → slot), each slot's key, size and expiry, and the eviction policy's order.
 * Everything is allocated as entries arrive, in chunks that double; nothing is sized by
 * `max`. The host (the Map or Set itself) holds the keys and values. @internal
 */
export class Store<K> {
  index: Map<K, number> = EMPTY_INDEX;
  /** Created with the store (a store exists from the first entry); its arrays grow with the slots. */
  readonly policy: Policy;
  /** Slot → key (`undefined` in free slots). */
  keys: (K | undefined)[] = EMPTY;
  /** Free slots below {@link Store.next}. */
  free: number[] = EMPTY;
  next = 0;
  capacity = 0;
  /** Slot → expiry time (0: none); allocated with the first entry that has a ttl. */
  expires: Float64Array | undefined;
  /** Slot → size; allocated when bytes are tracked. */
  sizes: Float64Array | undefined;
  bytes = 0;
  nextExpiry = Number.POSITIVE_INFINITY;
  readonly max: number;
  readonly maxBytes: number;
  readonly sizeOf: ((value: unknown, key: K) => number) | undefined;
  readonly ttl: number;
  readonly now: () => number;
  readonly #sweepIntervalMs: number | false;
  readonly #host: Map<K, unknown> | Set<K>;
  readonly #isMap: boolean;
  readonly #onEvict: ((value: unknown, key: K, reason: EvictReason) => void) | undefined;
  /** Removals waiting to be reported, flat: value, key, reason, ... */
  readonly #queue: unknown[] | undefined;
  #flushing = false;
  #sweep: NodeJS.Timeout | undefined;
  name = '';
  disposed = false;
  sets = 0;
  deletes = 0;
  evictions = 0;
  expirations = 0;

  constructor(host: Map<K, unknown> | Set<K>, settings: StoreSettings<K>) {
    this.#host = host;
    this.#isMap = host instanceof Map;
    this.max = settings.max;
    this.maxBytes = settings.maxBytes;
    this.sizeOf = settings.sizeOf;
    this.ttl = settings.ttl;
    this.#sweepIntervalMs = settings.sweepIntervalMs;
    const clock = settings.clock;
    this.now = clock === undefined ? performanceNow : clock.now.bind(clock);
    this.policy = settings.policy === 'lru' ? new LruPolicy() : new TinyLfuPolicy(settings.max);
    this.#onEvict = settings.onEvict;
    this.#queue = settings.onEvict === undefined ? undefined : [];
  }

  /**
   * The size of a value about to be stored: `given`, or else what `sizeOf` says (checked to
   * be a positive integer). Throws `ERR_CACHE_ENTRY_TOO_LARGE` when it alone exceeds
   * `maxBytes`. Only called when sizes are tracked.
   */
  measure(value: unknown, key: K, given: number | undefined): number {
    const size =
      given ??
      validateInteger(this.sizeOf!(value, key), this.#isMap ? 'sizeOf(value, key)' : 'sizeOf(value)', {
        min: 1,
        max: Number.MAX_SAFE_INTEGER,
      });
    if (this.maxBytes !== 0 && size > this.maxBytes) {
      throw createError('ERR_CACHE_ENTRY_TOO_LARGE', {
        what: `${this.#isMap ? 'BoundedMap' : 'BoundedSet'} ${this.name}`,
        size,
        maxBytes: this.maxBytes,
      });
    }
    return size;
  }

  /** Whether the entry in `slot` has not expired. */
  live(slot: number): boolean {
    const expires = this.expires;
    if (expires === undefined) return true;
    const at = expires[slot]!;
    return at === 0 || this.now() <= at;
  }

  /** A new key, already written to the host: give it a slot and make room if a bound requires. */
  insert(key: K, size: number, ttl: number): void {
    if (this.#hostSize() !== this.index.size + 1) this.#reconcile(key);
    this.#place(key, size, ttl);
    this.sets++;
    this.fit();
  }

  /** Whether a removal or replacement would be reported (an `onEvict`, or a channel subscriber). */
  observed(): boolean {
    return this.#queue !== undefined || evictChannel.hasSubscribers;
  }

  /** Gives `key` a slot: its size and expiry, and its place in the policy. */
  #place(key: K, size: number, ttl: number): void {
    if (this.index === EMPTY_INDEX) this.#allocate();
    let slot: number;
    if (this.free.length !== 0) slot = this.free.pop()!;
    else {
      if (this.next === this.capacity) this.#grow();
      slot = this.next++;
    }
    this.index.set(key, slot);
    this.keys[slot] = key;
    if (this.sizes !== undefined) {
      this.sizes[slot] = size;
      this.bytes += size;
    }
    if (ttl !== 0 || this.expires !== undefined) this.#setExpiry(slot, ttl);
    this.policy.add(slot, key);
  }

  /** An existing key was rewritten: new size and expiry, and it counts as an access. */
  update(slot: number, size: number, ttl: number): void {
    if (this.sizes !== undefined) {
      this.bytes += size - this.sizes[slot]!;
      this.sizes[slot] = size;
    }
    this.#setExpiry(slot, ttl);
    this.policy.touch(slot);
    this.sets++;
    this.fit();
  }

  /** Evicts until every bound holds. */
  fit(): void {
    const max = this.max;
    const maxBytes = this.maxBytes;
    while ((max !== 0 && this.index.size > max) || (maxBytes !== 0 && this.bytes > maxBytes)) {
      const slot = this.policy.evict();
      if (slot === -1) break;
      this.evictions++;
      this.#drop(slot, 'evict');
    }
  }

  /** Removes the entry in `slot` (delete, expiry), reporting `reason`. */
  remove(slot: number, reason: EvictReason): void {
    this.policy.remove(slot);
    if (reason === 'expire') this.expirations++;
    else if (reason === 'delete') this.deletes++;
    this.#drop(slot, reason);
  }

  /** Evicts `count` entries, least valuable first (reason `'compact'`). */
  compact(count: number): number {
    let done = 0;
    while (done < count) {
      const slot = this.policy.evict();
      if (slot === -1) break;
      this.evictions++;
      this.#drop(slot, 'compact');
      done++;
    }
    return done;
  }

  /** Reports every entry as cleared and forgets them; the host is cleared by the caller. */
  clear(): void {
    const queue = this.#queue;
    if (queue !== undefined || evictChannel.hasSubscribers) {
      for (const [key] of this.index) this.#report(key, 'clear');
    }
    this.index = EMPTY_INDEX;
    this.keys = EMPTY;
    this.free = EMPTY;
    this.next = 0;
    this.capacity = 0;
    this.expires = undefined;
    this.sizes = undefined;
    this.bytes = 0;
    this.nextExpiry = Number.POSITIVE_INFINITY;
    this.policy.clear();
    this.policy.resize(0);
  }

  /** The first entry: the index and the slot arrays come into being. */
  #allocate(): void {
    this.index = new Map();
    this.keys = [];
    this.free = [];
  }

  /** Removes expired entries when the earliest known expiry has passed. */
  purgeIfDue(): void {
    if (this.nextExpiry !== Number.POSITIVE_INFINITY && this.now() > this.nextExpiry) this.purge();
  }

  /** Removes every expired entry and works out when the next one expires. O(size). */
  purge(): number {
    const expires = this.expires;
    if (expires === undefined) return 0;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    let removed = 0;
    for (const [, slot] of this.index) {
      const at = expires[slot]!;
      if (at === 0) continue;
      if (now > at) {
        this.remove(slot, 'expire');
        removed++;
      } else if (at < next) next = at;
    }
    this.nextExpiry = next;
    return removed;
  }

  /** Makes the bookkeeping match the host after writes that went around it. */
  checkHost(): void {
    if (this.#hostSize() !== this.index.size) this.#reconcile(undefined);
  }

  /** Reports queued removals to `onEvict`, after the operation that removed them is complete. */
  flush(): void {
    const queue = this.#queue;
    if (queue === undefined || queue.length === 0 || this.#flushing) return;
    const onEvict = this.#onEvict!;
    this.#flushing = true;
    let errors: unknown[] | undefined;
    try {
      // onEvict may use the cache again; what that removes is appended and reported here too.
      for (let i = 0; i < queue.length; i += 3) {
        try {
          onEvict(queue[i], queue[i + 1] as K, queue[i + 2] as EvictReason);
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

  /** Queues a removal report (the value is read from the host before it goes). */
  #report(key: K, reason: EvictReason): void {
    if (evictChannel.hasSubscribers) evictChannel.publish({ name: this.name, key, reason });
    if (this.#queue !== undefined) {
      const value = this.#isMap ? MapGet.call(this.#host as Map<K, unknown>, key) : key;
      this.#queue.push(value, key, reason);
    }
  }

  /** Queues a report of a value replaced by `set`. */
  replaced(oldValue: unknown, key: K): void {
    if (evictChannel.hasSubscribers) evictChannel.publish({ name: this.name, key, reason: 'set' });
    this.#queue?.push(oldValue, key, 'set');
  }

  /** Frees `slot` (already out of the policy) and removes its entry from the host. */
  #drop(slot: number, reason: EvictReason): void {
    const key = this.keys[slot] as K;
    this.#report(key, reason);
    if (this.#isMap) MapDelete.call(this.#host as Map<K, unknown>, key);
    else SetDelete.call(this.#host as Set<K>, key);
    this.index.delete(key);
    this.keys[slot] = undefined;
    if (this.sizes !== undefined) {
      this.bytes -= this.sizes[slot]!;
      this.sizes[slot] = 0;
    }
    if (this.expires !== undefined) this.expires[slot] = 0;
    this.free.push(slot);
  }

  #setExpiry(slot: number, ttl: number): void {
    if (ttl === 0) {
      if (this.expires !== undefined) this.expires[slot] = 0;
      return;
    }
    if (this.expires === undefined) this.expires = new Float64Array(this.capacity);
    const at = this.now() + ttl;
    this.expires[slot] = at;
    if (at < this.nextExpiry) this.nextExpiry = at;
    if (this.#sweep === undefined && this.#sweepIntervalMs !== false && !this.disposed) this.#startSweep();
  }

  #grow(): void {
    let capacity = this.capacity === 0 ? FIRST_CAPACITY : this.capacity * 2;
    // A bounded store never needs more than max + 1 slots (the newcomer before eviction).
    if (this.max !== 0) capacity = Math.min(capacity, this.max + 1);
    this.capacity = capacity;
    this.policy.resize(capacity);
    // Exactly `capacity` key slots (an array grown by assignment would keep up to half again).
    const keys = new Array<K | undefined>(capacity);
    for (let i = 0; i < this.next; i++) keys[i] = this.keys[i];
    this.keys = keys;
    if (this.expires !== undefined) this.expires = copy(this.expires, capacity);
    if (this.sizeOf !== undefined) this.sizes = copy(this.sizes ?? new Float64Array(0), capacity);
  }

  #hostSize(): number {
    return this.#isMap ? mapSize.call(this.#host) : setSize.call(this.#host);
  }

  /**
   * Someone wrote around the bookkeeping (`Map.prototype.set.call(map, k, v)`): adopt
   * entries the host has and the index lacks, forget those the host lost, then evict.
   */
  #reconcile(except: K | undefined): void {
    const host = this.#host;
    for (const [key, slot] of this.index) {
      const present = this.#isMap
        ? MapHas.call(host as Map<K, unknown>, key)
        : SetHas.call(host as Set<K>, key);
      if (!present) {
        this.policy.remove(slot);
        this.index.delete(key);
        this.keys[slot] = undefined;
        if (this.sizes !== undefined) {
          this.bytes -= this.sizes[slot]!;
          this.sizes[slot] = 0;
        }
        this.free.push(slot);
      }
    }
    const keys = this.#isMap
      ? (MapKeys.call(host as Map<K, unknown>) as IterableIterator<K>)
      : (SetValues.call(host as Set<K>) as IterableIterator<K>);
    const foreign: K[] = [];
    for (const key of keys) if (key !== except && !this.index.has(key)) foreign.push(key);
    for (const key of foreign) {
      let size = 0;
      if (this.sizeOf !== undefined) {
        const value = this.#isMap ? MapGet.call(host as Map<K, unknown>, key) : key;
        try {
          size = this.sizeOf(value, key);
        } catch {
          size = 1;
        }
        if (!Number.isSafeInteger(size) || size < 1) size = 1;
      }
      this.insertForeign(key, size);
      this.fit(); // one at a time: a bounded store has room for max + 1 slots
    }
  }

  /** Adopts a key written around the bookkeeping (not counted as a set). */
  insertForeign(key: K, size: number): void {
    this.#place(key, size, this.ttl);
  }

  #startSweep(): void {
    // The timer holds the store weakly, so a cache nobody disposed can still be collected.
    const ref = new WeakRef(this);
    const timer = unrefInterval(() => {
      const store = ref.deref();
      if (store === undefined) clearInterval(timer);
      else store.#sweepNow();
    }, this.#sweepIntervalMs as number);
    this.#sweep = timer;
  }

  stopSweep(): void {
    if (this.#sweep !== undefined) clearInterval(this.#sweep);
    this.#sweep = undefined;
  }

  #sweepNow(): void {
    if (this.nextExpiry === Number.POSITIVE_INFINITY || this.now() <= this.nextExpiry) return;
    try {
      this.purge();
      this.flush();
    } catch (error) {
      emitLeakproofWarning(
        `onEvict of ${this.#isMap ? 'BoundedMap' : 'BoundedSet'} ${this.name} threw during the expiry sweep: ${String(error)}`,
        'LEAKPROOF_CACHE_ON_EVICT_THREW',
      );
    }
  }
}

function copy(array: Float64Array, capacity: number): Float64Array {
  const grown = new Float64Array(capacity);
  grown.set(array.subarray(0, Math.min(array.length, capacity)));
  return grown;
}
