import { hashKey } from './hash.js';
import { EMPTY_INT32, Links, List, type Policy } from './policy.js';
import { FrequencySketch } from './sketch.js';

// A slot's word: its key's hash with the low two bits replaced by its segment.
const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
const SEGMENT = 3;
const HASH = ~SEGMENT;

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
/**
 * The climb turns back only on a fall of the hit ratio deeper than this many standard
 * errors (of the difference of two samples' ratios): a smaller change is noise.
 */
const NOISE = 1;
/** Hill climbing samples the hit ratio over this many accesses per entry of capacity. */
const SAMPLE = 10;
/**
 * Sketch counters (4 bits) for each entry of capacity: 6 bytes per entry. Caffeine uses 16
 * (rounded up to a power of two); 12 costs 0.1 point of mean hit ratio on the LIRS traces
 * and keeps a 1M-entry cache within 1.5× lru-cache's bytes.
 */
const SKETCH_COUNTERS = 12;

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
  /** Slot → its key's hash (computed once, at insertion) and its segment in the low two bits. */
  #words: Int32Array = EMPTY_INT32;
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
  /** Accesses left before the next hill-climbing sample. */
  #untilSample = 0;
  /** The window's and the protected segment's sizes for the current share (bounded by `max`). */
  #windowLimit = 1;
  #protectedLimit = 0;

  constructor(max: number) {
    this.#max = max;
    // The window starts at 1% and cannot usefully shrink: the first move is to grow it, and
    // the climb reverses as soon as that lowers the hit ratio.
    this.#step = STEP;
    this.#untilSample = SAMPLE * Math.max(max, 1);
    this.#limits(Math.max(max, 1));
  }

  /** Works out the segments' sizes for `capacity` and the window's current share. */
  #limits(capacity: number): void {
    const windowMax = Math.max(1, Math.round(capacity * this.#windowShare));
    this.#windowLimit = windowMax;
    this.#protectedLimit = Math.floor((capacity - windowMax) * PROTECTED_SHARE);
  }

  #capacity(): number {
    const population = this.#window.count + this.#probation.count + this.#protected.count;
    return this.#max === 0 ? Math.max(population, 1) : this.#max;
  }

  resize(capacity: number): void {
    this.#links.resize(capacity);
    if (capacity === 0) {
      this.#words = EMPTY_INT32;
      return;
    }
    const words = new Int32Array(capacity);
    words.set(this.#words.subarray(0, Math.min(capacity, this.#words.length)));
    this.#words = words;
    // The sketch grows with the entries the cache can hold now, never with max up front.
    if (capacity !== 0) {
      const entries = this.#max === 0 ? capacity : Math.min(capacity, this.#max);
      // Aging every 10 × capacity increments, as TinyLFU's sample size.
      this.#sketch.ensure(SKETCH_COUNTERS * entries, SAMPLE * entries);
    }
  }

  add(slot: number, key: unknown): void {
    const hash = hashKey(key) & HASH;
    this.#words[slot] = hash | WINDOW;
    this.#sketch.increment(hash);
    this.#window.push(slot);
    this.#misses++;
    if (--this.#untilSample <= 0) this.#sample();
    // The window's oldest entries beyond its share move on to probation, where they are
    // admitted against the main space's victim at the next eviction.
    if (this.#max === 0) this.#limits(this.#capacity());
    const windowMax = this.#windowLimit;
    while (this.#window.count > windowMax) {
      const leaving = this.#window.head;
      this.#window.unlink(leaving);
      this.#words[leaving] = (this.#words[leaving]! & HASH) | PROBATION;
      this.#probation.push(leaving);
      this.#candidate = leaving;
    }
  }

  touch(slot: number): void {
    const word = this.#words[slot]!;
    this.#sketch.increment(word & HASH);
    this.#hits++;
    const queue = word & SEGMENT;
    if (queue === PROTECTED) this.#protected.moveToTail(slot);
    else if (queue === WINDOW) this.#window.moveToTail(slot);
    else {
      if (slot === this.#candidate) this.#candidate = -1;
      this.#probation.unlink(slot);
      this.#words[slot] = (word & HASH) | PROTECTED;
      this.#protected.push(slot);
      this.#demote();
    }
    if (--this.#untilSample <= 0) this.#sample();
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
    if (candidate !== -1 && candidate !== victim && (this.#words[victim]! & SEGMENT) === PROBATION) {
      // The newcomer stays only if it was seen more often lately than the victim.
      const newcomer = this.#sketch.frequency(this.#words[candidate]! & HASH);
      const incumbent = this.#sketch.frequency(this.#words[victim]! & HASH);
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
    const queue = this.#words[slot]! & SEGMENT;
    return queue === WINDOW ? this.#window : queue === PROBATION ? this.#probation : this.#protected;
  }

  /** Keeps the protected segment within its share of the main space. */
  #demote(): void {
    if (this.#max === 0) this.#limits(this.#capacity());
    const protectedMax = this.#protectedLimit;
    while (this.#protected.count > protectedMax && this.#protected.count > 0) {
      const slot = this.#protected.head;
      this.#protected.unlink(slot);
      this.#words[slot] = (this.#words[slot]! & HASH) | PROBATION;
      this.#probation.push(slot);
    }
  }

  /** Hill climbing: once per sample, move the window's share in the direction that helped. */
  #sample(): void {
    const capacity = this.#capacity();
    const requests = this.#hits + this.#misses;
    this.#untilSample = SAMPLE * capacity - requests;
    if (this.#untilSample > 0) return; // a bytes-bounded cache grew since the last sample
    this.#untilSample = SAMPLE * capacity;
    const rate = this.#hits / requests;
    const change = rate - this.#previousRate;
    // A sample's hit ratio is an estimate: the climb turns back only when the ratio fell by
    // more than the noise of the difference of two samples.
    const noise = NOISE * Math.sqrt((2 * rate * (1 - rate)) / requests);
    const amount = change >= -noise ? this.#step : -this.#step;
    this.#step = Math.abs(change) >= RESTART ? STEP * Math.sign(amount || 1) : DECAY * amount;
    this.#previousRate = rate;
    this.#hits = 0;
    this.#misses = 0;
    this.#windowShare = Math.min(1 - 1 / capacity, Math.max(0, this.#windowShare + amount));
    this.#limits(capacity);
    this.#rebalance();
  }

  /** Moves entries between the window and the main space to match the window's new share. */
  #rebalance(): void {
    const windowMax = this.#windowLimit;
    let moves = 0;
    while (this.#window.count > windowMax && moves++ < MOVE_LIMIT) {
      const slot = this.#window.head;
      this.#window.unlink(slot);
      this.#words[slot] = (this.#words[slot]! & HASH) | PROBATION;
      this.#probation.push(slot);
    }
    while (this.#window.count < windowMax && moves++ < MOVE_LIMIT) {
      let slot = this.#probation.head;
      if (slot === -1) slot = this.#protected.head;
      if (slot === -1) break;
      if (slot === this.#candidate) this.#candidate = -1;
      this.#list(slot).unlink(slot);
      this.#words[slot] = (this.#words[slot]! & HASH) | WINDOW;
      this.#window.push(slot);
    }
    this.#demote();
  }
}
