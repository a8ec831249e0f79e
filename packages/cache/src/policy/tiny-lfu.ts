import { hashKey } from './hash.js';
import { EMPTY_INT32, EMPTY_UINT8, Links, List, type Policy } from './policy.js';
import { FrequencySketch } from './sketch.js';

const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;

/** The window's share of the capacity at the start (W-TinyLFU's 1%). */
const INITIAL_WINDOW = 0.01;
/** The protected segment's share of the main space (SLRU's 80%). */
const PROTECTED_SHARE = 0.8;
/** Hill climbing: the first step, as a share of the capacity. */
const STEP = 0.0625;
/** A change of hit ratio this large restarts the climb with a full step. */
const RESTART = 0.05;
/** Each step in the same direction is this much smaller than the last. */
const DECAY = 0.98;
/** Entries moved between segments per adjustment at most, so no call pays for a big move. */
const MOVE_LIMIT = 1000;
/** Hill climbing samples the hit ratio over this many accesses per entry of capacity. */
const SAMPLE = 10;
/** Sketch counters per row for each entry of capacity (16 counters per entry in all, as Caffeine's). */
const SKETCH_WIDTH = 4;

/**
 * W-TinyLFU with an adaptive window (Einziger, Friedman, Manes, "TinyLFU: A Highly Efficient
 * Cache Admission Policy", and Caffeine's hill climber). New entries enter a small LRU
 * window; an entry leaving the window meets the main space's least valuable entry and the
 * one a {@link FrequencySketch} says was seen more often lately stays. The main space is a
 * segmented LRU (probation, then protected once hit again). Every `10 × capacity` accesses
 * the window is resized by hill climbing on the hit ratio: recency-heavy workloads grow it
 * toward LRU, frequency-heavy ones shrink it. @internal
 */
export class TinyLfuPolicy implements Policy {
  readonly #links = new Links();
  readonly #window = new List(this.#links);
  readonly #probation = new List(this.#links);
  readonly #protected = new List(this.#links);
  readonly #sketch = new FrequencySketch();
  #queue: Uint8Array = EMPTY_UINT8;
  #hashes: Int32Array = EMPTY_INT32;
  /** The entry bound, or 0 when the cache is bounded by bytes only (then the population counts). */
  readonly #max: number;
  #windowShare = INITIAL_WINDOW;
  /** A window leaver waiting to meet the main space's victim; -1 when none. */
  #candidate = -1;
  // Hill climbing.
  #hits = 0;
  #misses = 0;
  #previousRate = 0;
  #step: number;

  constructor(max: number) {
    this.#max = max;
    // The window starts at 1% and cannot usefully shrink: the first move is to grow it, and
    // the climb reverses as soon as that lowers the hit ratio.
    this.#step = STEP;
  }

  #capacity(): number {
    const population = this.#window.count + this.#probation.count + this.#protected.count;
    return this.#max === 0 ? Math.max(population, 1) : this.#max;
  }

  #windowMax(capacity: number): number {
    return Math.max(1, Math.round(capacity * this.#windowShare));
  }

  resize(capacity: number): void {
    this.#links.resize(capacity);
    if (capacity === 0) {
      this.#queue = EMPTY_UINT8;
      this.#hashes = EMPTY_INT32;
      return;
    }
    const queue = new Uint8Array(capacity);
    const hashes = new Int32Array(capacity);
    queue.set(this.#queue.subarray(0, Math.min(capacity, this.#queue.length)));
    hashes.set(this.#hashes.subarray(0, Math.min(capacity, this.#hashes.length)));
    this.#queue = queue;
    this.#hashes = hashes;
    // The sketch grows with the entries the cache can hold now, never with max up front.
    if (capacity !== 0) {
      const entries = this.#max === 0 ? capacity : Math.min(capacity, this.#max);
      // Aging every 10 × capacity increments, as TinyLFU's sample size.
      this.#sketch.ensure(SKETCH_WIDTH * entries, SAMPLE * entries);
    }
  }

  add(slot: number, key: unknown): void {
    const hash = hashKey(key);
    this.#hashes[slot] = hash;
    this.#sketch.increment(hash);
    this.#queue[slot] = WINDOW;
    this.#window.push(slot);
    this.#misses++;
    this.#sample();
    // The window's oldest entries beyond its share move on to probation, where they are
    // admitted against the main space's victim at the next eviction.
    const windowMax = this.#windowMax(this.#capacity());
    while (this.#window.count > windowMax) {
      const leaving = this.#window.head;
      this.#window.unlink(leaving);
      this.#queue[leaving] = PROBATION;
      this.#probation.push(leaving);
      this.#candidate = leaving;
    }
  }

  touch(slot: number): void {
    this.#sketch.increment(this.#hashes[slot]!);
    this.#hits++;
    switch (this.#queue[slot]) {
      case WINDOW:
        this.#window.moveToTail(slot);
        break;
      case PROBATION: {
        if (slot === this.#candidate) this.#candidate = -1;
        this.#probation.unlink(slot);
        this.#queue[slot] = PROTECTED;
        this.#protected.push(slot);
        this.#demote();
        break;
      }
      default:
        this.#protected.moveToTail(slot);
    }
    this.#sample();
  }

  remove(slot: number): void {
    if (slot === this.#candidate) this.#candidate = -1;
    this.#list(slot).unlink(slot);
  }

  evict(): number {
    let victim = this.#probation.head;
    if (victim === -1) victim = this.#protected.head;
    if (victim === -1) victim = this.#window.head;
    if (victim === -1) return -1;
    const candidate = this.#candidate;
    this.#candidate = -1;
    if (candidate !== -1 && candidate !== victim && this.#queue[victim] === PROBATION) {
      // The newcomer stays only if it was seen more often lately than the victim.
      const newcomer = this.#sketch.frequency(this.#hashes[candidate]!);
      const incumbent = this.#sketch.frequency(this.#hashes[victim]!);
      if (newcomer <= incumbent) victim = candidate;
    }
    this.#list(victim).unlink(victim);
    return victim;
  }

  clear(): void {
    this.#window.clear();
    this.#probation.clear();
    this.#protected.clear();
    this.#candidate = -1;
  }

  #list(slot: number): List {
    const queue = this.#queue[slot];
    return queue === WINDOW ? this.#window : queue === PROBATION ? this.#probation : this.#protected;
  }

  /** Keeps the protected segment within its share of the main space. */
  #demote(): void {
    const capacity = this.#capacity();
    const protectedMax = Math.floor((capacity - this.#windowMax(capacity)) * PROTECTED_SHARE);
    while (this.#protected.count > protectedMax && this.#protected.count > 0) {
      const slot = this.#protected.head;
      this.#protected.unlink(slot);
      this.#queue[slot] = PROBATION;
      this.#probation.push(slot);
    }
  }

  /** Hill climbing: once per sample, move the window's share in the direction that helped. */
  #sample(): void {
    const capacity = this.#capacity();
    const requests = this.#hits + this.#misses;
    if (requests < SAMPLE * capacity) return;
    const rate = this.#hits / requests;
    const change = rate - this.#previousRate;
    const amount = change >= 0 ? this.#step : -this.#step;
    this.#step = Math.abs(change) >= RESTART ? STEP * Math.sign(amount || 1) : DECAY * amount;
    this.#previousRate = rate;
    this.#hits = 0;
    this.#misses = 0;
    this.#windowShare = Math.min(1 - 1 / capacity, Math.max(0, this.#windowShare + amount));
    this.#rebalance(capacity);
  }

  /** Moves entries between the window and the main space to match the window's new share. */
  #rebalance(capacity: number): void {
    const windowMax = this.#windowMax(capacity);
    let moves = 0;
    while (this.#window.count > windowMax && moves++ < MOVE_LIMIT) {
      const slot = this.#window.head;
      this.#window.unlink(slot);
      this.#queue[slot] = PROBATION;
      this.#probation.push(slot);
    }
    while (this.#window.count < windowMax && moves++ < MOVE_LIMIT) {
      let slot = this.#probation.head;
      if (slot === -1) slot = this.#protected.head;
      if (slot === -1) break;
      if (slot === this.#candidate) this.#candidate = -1;
      this.#list(slot).unlink(slot);
      this.#queue[slot] = WINDOW;
      this.#window.push(slot);
    }
    this.#demote();
  }
}
