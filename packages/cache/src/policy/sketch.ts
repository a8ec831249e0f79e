import { mix } from './hash.js';
import { EMPTY_UINT32 } from './policy.js';

/** Counters in one 64-byte block: 16 words of 8 four-bit counters. */
const BLOCK_COUNTERS = 128;
const MIN_BLOCKS = 1;
const TWO_32 = 2 ** 32;
/** Decorrelates the second hash (which picks the counters) from the first (which picks the block). */
const SECOND = 0x5bd1e995;

/**
 * A count-min sketch of 4-bit counters: how often each key was seen lately, in a few bytes
 * per entry whatever the key. As in Caffeine's sketch, a key's four counters (one per row)
 * all lie in one 64-byte block chosen by its hash, so an update or an estimate reads one
 * cache line, not four: each row owns four words of the block, and the key's second hash
 * picks a word and a counter in each. The block is the hash scaled to the block count
 * (multiply and shift, not a mask), so the table can be sized to the entries exactly. Counters saturate at 15; an increment adds one to
 * each of the key's counters that is not saturated; every `sampleSize` increments all
 * counters are halved, so old popularity fades (TinyLFU's aging). The table follows
 * the cache's population, not its bound: it starts at one block and grows as entries
 * arrive, each new block starting from the counts of the old block its keys came from,
 * so nothing it learned is lost. @internal
 */
export class FrequencySketch {
  #table: Uint32Array = EMPTY_UINT32;
  #blocks = 0;
  /** Blocks per hash value: a hash times this, floored, is its block. */
  #scale = 0;
  #additions = 0;
  #sampleSize = 0;

  /** Counters in all. */
  get counters(): number {
    return this.#table.length * 8;
  }

  /**
   * Makes room for at least `counters` counters (a power of two, in whole blocks) and ages
   * after `sampleSize` increments; never shrinks.
   */
  ensure(counters: number, sampleSize: number): void {
    this.#sampleSize = Math.max(this.#sampleSize, sampleSize);
    const blocks = Math.max(MIN_BLOCKS, Math.ceil(counters / BLOCK_COUNTERS));
    const oldBlocks = this.#blocks;
    if (blocks <= oldBlocks) return;
    const old = this.#table;
    const table = new Uint32Array(blocks * 16);
    // Block b of the new table holds hashes from (b / blocks) to ((b + 1) / blocks) of the
    // range: it starts from the old block that held most of them.
    if (oldBlocks !== 0) {
      for (let b = 0; b < blocks; b++) {
        const from = Math.floor(((b + 0.5) * oldBlocks) / blocks) * 16;
        table.set(old.subarray(from, from + 16), b * 16);
      }
    }
    this.#table = table;
    this.#blocks = blocks;
    this.#scale = blocks / TWO_32;
  }

  /** Records one occurrence of the key whose hash is `hash`. */
  increment(hash: number): void {
    if (this.#blocks === 0) this.ensure(BLOCK_COUNTERS, 10 * 16);
    const table = this.#table;
    const block = ((hash >>> 0) * this.#scale) << 4;
    const second = mix(hash ^ SECOND);
    // The four counters: row r owns words block + 4r .. block + 4r + 3.
    const h0 = second >>> 12;
    const h1 = second >>> 17;
    const h2 = second >>> 22;
    const h3 = second >>> 27;
    const w0 = block + (h0 & 3);
    const w1 = block + 4 + (h1 & 3);
    const w2 = block + 8 + (h2 & 3);
    const w3 = block + 12 + (h3 & 3);
    const s0 = (h0 & 0x1c) as number;
    const s1 = (h1 & 0x1c) as number;
    const s2 = (h2 & 0x1c) as number;
    const s3 = (h3 & 0x1c) as number;
    const c0 = (table[w0]! >>> s0) & 15;
    const c1 = (table[w1]! >>> s1) & 15;
    const c2 = (table[w2]! >>> s2) & 15;
    const c3 = (table[w3]! >>> s3) & 15;
    let added = false;
    if (c0 !== 15) {
      table[w0] = table[w0]! + ((1 << s0) >>> 0);
      added = true;
    }
    if (c1 !== 15) {
      table[w1] = table[w1]! + ((1 << s1) >>> 0);
      added = true;
    }
    if (c2 !== 15) {
      table[w2] = table[w2]! + ((1 << s2) >>> 0);
      added = true;
    }
    if (c3 !== 15) {
      table[w3] = table[w3]! + ((1 << s3) >>> 0);
      added = true;
    }
    if (!added) return;
    if (++this.#additions >= this.#sampleSize) this.#age();
  }

  /** The estimated recent count of the key whose hash is `hash`, 0..15. */
  frequency(hash: number): number {
    if (this.#blocks === 0) return 0;
    const table = this.#table;
    const block = ((hash >>> 0) * this.#scale) << 4;
    const second = mix(hash ^ SECOND);
    const h0 = second >>> 12;
    const h1 = second >>> 17;
    const h2 = second >>> 22;
    const h3 = second >>> 27;
    return Math.min(
      (table[block + (h0 & 3)]! >>> (h0 & 0x1c)) & 15,
      (table[block + 4 + (h1 & 3)]! >>> (h1 & 0x1c)) & 15,
      (table[block + 8 + (h2 & 3)]! >>> (h2 & 0x1c)) & 15,
      (table[block + 12 + (h3 & 3)]! >>> (h3 & 0x1c)) & 15,
    );
  }

  /** Forgets everything and gives its memory back. */
  reset(): void {
    this.#table = EMPTY_UINT32;
    this.#blocks = 0;
    this.#scale = 0;
    this.#additions = 0;
    this.#sampleSize = 0;
  }

  /**
   * Halves every counter. Halving truncates odd counts, so the additions left to count are
   * what the halved counters still hold: half of those before, less a quarter of the odd
   * counters (each key has four), as Caffeine's reset does.
   */
  #age(): void {
    const table = this.#table;
    let odd = 0;
    for (let i = 0; i < table.length; i++) {
      const word = table[i]!;
      odd += bitCount(word & 0x11111111);
      table[i] = (word >>> 1) & 0x77777777;
    }
    this.#additions = Math.max(0, this.#additions - (odd >>> 2)) >>> 1;
  }
}

/** Set bits in a 32-bit word. */
function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
