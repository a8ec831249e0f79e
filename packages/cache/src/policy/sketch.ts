import { mix } from './hash.js';
import { EMPTY_UINT32 } from './policy.js';

const ROWS = 4;
const MIN_WIDTH = 16;

/**
 * A count-min sketch of 4-bit counters (4 rows, 8 counters per 32-bit word): how often
 * each key was seen lately, in a few bytes per entry whatever the key. Counters saturate
 * at 15; every `sampleSize` increments, all of them are halved, so old popularity fades
 * (TinyLFU's aging). The width follows the cache's population, not its bound: it starts
 * small and doubles as entries arrive, copying each row into both halves so nothing it
 * learned is lost. @internal
 */
export class FrequencySketch {
  #table: Uint32Array = EMPTY_UINT32;
  #width = 0;
  #mask = 0;
  #additions = 0;
  #sampleSize = 0;

  /** Counters per row. */
  get width(): number {
    return this.#width;
  }

  /**
   * Makes each row at least `counters` counters wide (a power of two) and ages after
   * `sampleSize` increments; never shrinks.
   */
  ensure(counters: number, sampleSize: number): void {
    this.#sampleSize = Math.max(this.#sampleSize, sampleSize);
    let width = this.#width === 0 ? MIN_WIDTH : this.#width;
    while (width < counters) width *= 2;
    if (width === this.#width) return;
    const table = new Uint32Array((width * ROWS) / 8);
    if (this.#width !== 0) {
      const oldRow = this.#width / 8;
      const newRow = width / 8;
      for (let r = 0; r < ROWS; r++) {
        const row = this.#table.subarray(r * oldRow, (r + 1) * oldRow);
        for (let copy = 0; copy < newRow; copy += oldRow) table.set(row, r * newRow + copy);
      }
    }
    this.#table = table;
    this.#width = width;
    this.#mask = width - 1;
  }

  /** Records one occurrence of the key whose hash is `hash` (conservative update). */
  increment(hash: number): void {
    if (this.#width === 0) this.ensure(MIN_WIDTH, 10 * MIN_WIDTH);
    const table = this.#table;
    const mask = this.#mask;
    const width = this.#width;
    const step = mix(hash) | 1;
    let min = 15;
    for (let r = 0, h = hash; r < ROWS; r++, h += step) {
      const index = r * width + (h & mask);
      const value = (table[index >>> 3]! >>> ((index & 7) << 2)) & 15;
      if (value < min) min = value;
    }
    if (min === 15) return;
    for (let r = 0, h = hash; r < ROWS; r++, h += step) {
      const index = r * width + (h & mask);
      const shift = (index & 7) << 2;
      const word = table[index >>> 3]!;
      if (((word >>> shift) & 15) === min) table[index >>> 3] = word + (1 << shift);
    }
    if (++this.#additions >= this.#sampleSize) this.#age();
  }

  /** The estimated recent count of the key whose hash is `hash`, 0..15. */
  frequency(hash: number): number {
    if (this.#width === 0) return 0;
    const table = this.#table;
    const mask = this.#mask;
    const width = this.#width;
    const step = mix(hash) | 1;
    let min = 15;
    for (let r = 0, h = hash; r < ROWS; r++, h += step) {
      const index = r * width + (h & mask);
      const value = (table[index >>> 3]! >>> ((index & 7) << 2)) & 15;
      if (value < min) min = value;
    }
    return min;
  }

  /** Forgets everything and gives its memory back. */
  reset(): void {
    this.#table = EMPTY_UINT32;
    this.#width = 0;
    this.#mask = 0;
    this.#additions = 0;
    this.#sampleSize = 0;
  }

  #age(): void {
    const table = this.#table;
    for (let i = 0; i < table.length; i++) table[i] = (table[i]! >>> 1) & 0x77777777;
    this.#additions = this.#additions >>> 1;
  }
}
