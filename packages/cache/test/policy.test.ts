import { BoundedMap } from '@leakproof/cache';
import { describe, expect, it } from 'vitest';
import { FrequencySketch } from '../src/policy/sketch.js';

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hitRatio(map: BoundedMap<number, number>, keys: readonly number[]): number {
  let hits = 0;
  for (const key of keys) {
    if (map.get(key) === undefined) map.set(key, key);
    else hits++;
  }
  return hits / keys.length;
}

describe('the frequency sketch', () => {
  it('counts a key, saturates at 15, and knows nothing of keys it never saw', () => {
    const sketch = new FrequencySketch();
    sketch.ensure(1024, 1_000_000);
    for (let i = 0; i < 5; i++) sketch.increment(0x1234_5678);
    expect(sketch.frequency(0x1234_5678)).toBe(5);
    for (let i = 0; i < 40; i++) sketch.increment(0x1234_5678);
    expect(sketch.frequency(0x1234_5678)).toBe(15);
    expect(sketch.frequency(0x0bad_cafe)).toBe(0);
  });

  it('halves every count after sampleSize increments', () => {
    const sketch = new FrequencySketch();
    sketch.ensure(1024, 20);
    for (let i = 0; i < 10; i++) sketch.increment(7);
    expect(sketch.frequency(7)).toBe(10);
    for (let i = 0; i < 10; i++) sketch.increment(1000 + i * 7919);
    expect(sketch.frequency(7)).toBe(5);
  });

  it('keeps what it counted when it grows, by any factor', () => {
    const sketch = new FrequencySketch();
    sketch.ensure(128, 1_000_000);
    const hashes = Array.from({ length: 50 }, (_, i) => Math.imul(i + 1, 0x9e3779b1));
    for (const hash of hashes) for (let n = 0; n < 3; n++) sketch.increment(hash);
    for (const counters of [256, 384, 1000, 4096]) {
      sketch.ensure(counters, 1_000_000);
      for (const hash of hashes) expect(sketch.frequency(hash)).toBeGreaterThanOrEqual(3);
    }
  });
});

describe('the default policy against LRU (deterministic workloads)', () => {
  it('keeps a popular set through a scan that flushes LRU', () => {
    const keys: number[] = [];
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 50; i++) keys.push(i, i); // the popular 50, read twice each
      for (let i = 0; i < 200; i++) keys.push(1_000_000 + round * 200 + i); // a one-off scan
    }
    const tinylfu = hitRatio(new BoundedMap({ max: 100 }), keys);
    const lru = hitRatio(new BoundedMap({ max: 100, policy: 'lru' }), keys);
    expect(tinylfu).toBeGreaterThan(lru + 0.1);
  });

  it('on a recency workload, grows its window until it hits as often as LRU', () => {
    // Each read goes, 8 times in 10, to a key read among the last 1000 reads, else to a new
    // key: recency is everything. The window starts at 1% and must grow to about all of
    // the cache; once it has (the last quarter), the hit ratio is LRU's.
    const next = random(2);
    const keys: number[] = [];
    const recent: number[] = [];
    let fresh = 0;
    for (let i = 0; i < 200_000; i++) {
      const key =
        recent.length >= 1000 && next() < 0.8
          ? recent[recent.length - 1 - Math.floor(next() * 1000)]!
          : fresh++;
      keys.push(key);
      recent.push(key);
      if (recent.length > 4000) recent.splice(0, recent.length - 1000);
    }
    const tinylfu = new BoundedMap<number, number>({ max: 500 });
    const lru = new BoundedMap<number, number>({ max: 500, policy: 'lru' });
    hitRatio(tinylfu, keys.slice(0, 150_000));
    hitRatio(lru, keys.slice(0, 150_000));
    const last = keys.slice(150_000);
    expect(hitRatio(tinylfu, last)).toBeGreaterThan(hitRatio(lru, last) - 0.01);
  });
});
