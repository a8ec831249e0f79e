/**
 * What an eviction policy sees: slot numbers (small integers the store hands out, one per
 * live entry) and, when it adds an entry, its key. A policy keeps its order beside the
 * entries, in arrays indexed by slot, so a `Map` can keep its own insertion order.
 * @internal
 */
export interface Policy {
  /** Makes room for slots `0 .. capacity - 1` (capacity only grows, or resets to 0 on `clear`). */
  resize(capacity: number): void;
  /** A new entry in `slot`. */
  add(slot: number, key: unknown): void;
  /** The entry in `slot` was read or rewritten. */
  touch(slot: number): void;
  /** The entry in `slot` is leaving for a reason of its own (delete, expiry). */
  remove(slot: number): void;
  /** Picks the entry to evict next, unlinks it and returns its slot (-1 when empty). */
  evict(): number;
  /** Forgets every entry; keeps what it learned about keys unless `reset`. */
  clear(): void;
}

/** Shared by every empty policy, so that an empty cache allocates no typed array. */
export const EMPTY_INT32: Int32Array = new Int32Array(0);
export const EMPTY_UINT8: Uint8Array = new Uint8Array(0);
export const EMPTY_UINT32: Uint32Array = new Uint32Array(0);

/** The policies a cache can use. */
export type PolicyName = 'lru' | 'tinylfu';

/** A doubly linked list over slots, in two Int32Arrays shared by every list of a policy. */
export class Links {
  prev: Int32Array = EMPTY_INT32;
  next: Int32Array = EMPTY_INT32;

  resize(capacity: number): void {
    if (capacity === 0) {
      this.prev = EMPTY_INT32;
      this.next = EMPTY_INT32;
      return;
    }
    const prev = new Int32Array(capacity);
    const next = new Int32Array(capacity);
    prev.set(this.prev.subarray(0, Math.min(capacity, this.prev.length)));
    next.set(this.next.subarray(0, Math.min(capacity, this.next.length)));
    this.prev = prev;
    this.next = next;
  }
}

/** One list (head = least recent) threaded through {@link Links}. */
export class List {
  head = -1;
  tail = -1;
  count = 0;

  constructor(private readonly links: Links) {}

  /** Appends `slot` as the most recent. */
  push(slot: number): void {
    const { prev, next } = this.links;
    prev[slot] = this.tail;
    next[slot] = -1;
    if (this.tail === -1) this.head = slot;
    else next[this.tail] = slot;
    this.tail = slot;
    this.count++;
  }

  unlink(slot: number): void {
    const { prev, next } = this.links;
    const p = prev[slot]!;
    const n = next[slot]!;
    if (p === -1) this.head = n;
    else next[p] = n;
    if (n === -1) this.tail = p;
    else prev[n] = p;
    this.count--;
  }

  /** Makes `slot` (already in this list) the most recent. */
  moveToTail(slot: number): void {
    if (this.tail === slot) return;
    const { prev, next } = this.links;
    const p = prev[slot]!;
    const n = next[slot]!;
    if (p === -1) this.head = n;
    else next[p] = n;
    prev[n] = p; // n !== -1: slot is not the tail
    prev[slot] = this.tail;
    next[slot] = -1;
    next[this.tail] = slot;
    this.tail = slot;
  }

  clear(): void {
    this.head = -1;
    this.tail = -1;
    this.count = 0;
  }
}
