import { getEventListeners } from 'node:events';
import { BoundedMap, BoundedSet, memoize } from '@leakproof/cache';
import { measureGrowth } from '@leakproof/memwatch';
import { describe, expect, it } from 'vitest';

const gc = globalThis.gc as () => void;

/** Heap bytes per instance that `make` keeps alive, after forced collections. */
function bytesPerInstance(make: () => unknown, count: number): number {
  const keep: unknown[] = new Array(count);
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) keep[i] = make();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed;
  expect(keep.length).toBe(count);
  return (after - before) / count;
}

describe('memory follows the entries held, never max', () => {
  it('an empty BoundedMap({ max: 1e6 }) costs less than 1 KB (nothing is sized by max)', () => {
    const perMap = bytesPerInstance(() => new BoundedMap({ max: 1e6 }), 2000);
    expect(perMap).toBeLessThan(1024);
    const perSet = bytesPerInstance(() => new BoundedSet({ max: 1e6 }), 2000);
    expect(perSet).toBeLessThan(1024);
    // And a bound of 2^24 costs the same as one of 10.
    const huge = bytesPerInstance(() => new BoundedMap({ max: 2 ** 24 }), 500);
    expect(huge).toBeLessThan(1024);
  });

  it('a map holding 10 entries costs the same under max 1e6 as under max 16', () => {
    const holding10 = (max: number) =>
      bytesPerInstance(() => {
        const map = new BoundedMap<number, number>({ max });
        for (let i = 0; i < 10; i++) map.set(i, i);
        return map;
      }, 2000);
    // The registry's own table grows in steps (about 250 B an instance when one lands on a
    // measurement): a first round, not counted, grows it; then three alternated rounds, the
    // lowest of each size.
    holding10(16);
    holding10(1e6);
    const small: number[] = [];
    const large: number[] = [];
    for (let round = 0; round < 3; round++) {
      small.push(holding10(16));
      large.push(holding10(1e6));
    }
    expect(Math.abs(Math.min(...large) - Math.min(...small))).toBeLessThan(256);
  });
});

// Bytes per operation after forced collections (memwatch's Theil–Sen slope), never time.
describe('memory stays flat under sustained load', () => {
  it('a million distinct keys through BoundedMap({ max: 1000 }) keep the heap flat; a plain Map grows', async () => {
    const bounded = new BoundedMap<string, { id: number }>({ max: 1000 });
    const flat = await measureGrowth((i) => bounded.set(`key-${i}`, { id: i }), {
      samples: 8,
      opsPerSample: 100_000,
      warmup: 2,
    });
    expect(flat.ops + flat.warmupOps).toBeGreaterThanOrEqual(1_000_000);
    expect(bounded.size).toBe(1000);
    expect(flat.bytesPerOp).toBeLessThan(0.5);

    const plain = new Map<string, { id: number }>();
    const leaky = await measureGrowth((i) => plain.set(`key-${i}`, { id: i }), {
      samples: 8,
      opsPerSample: 20_000,
      warmup: 2,
    });
    // A Map entry with a fresh string key and a small object costs tens of bytes.
    expect(leaky.bytesPerOp).toBeGreaterThan(30);
    expect(leaky.trend.direction).toBe('increasing');
    plain.clear();
    bounded.dispose();
  });

  it('ttl entries nobody reads do not pile up beyond max', async () => {
    const map = new BoundedMap<number, string>({ max: 500, ttl: 1 });
    const growth = await measureGrowth((i) => map.set(i, 'v'), {
      samples: 6,
      opsPerSample: 50_000,
      warmup: 2,
    });
    expect(growth.bytesPerOp).toBeLessThan(0.5);
    map.dispose();
  });

  it('getOrLoad with 100k rejected loads leaves nothing in flight and no growth', async () => {
    const map = new BoundedMap<number, number>({ max: 100 });
    const failing = () => Promise.reject(new Error('down'));
    const growth = await measureGrowth(
      async (i) => {
        try {
          await map.getOrLoad(i, failing);
        } catch {
          // expected
        }
      },
      { samples: 8, opsPerSample: 10_000, warmup: 2 },
    );
    const loads = growth.ops + growth.warmupOps;
    expect(loads).toBeGreaterThanOrEqual(100_000);
    expect(map.stats()).toMatchObject({ inflight: 0, loadErrors: loads, size: 0 });
    expect(growth.bytesPerOp).toBeLessThan(1);
    map.dispose();
  });

  it('aborted getOrLoad callers leave no listener or flight behind', async () => {
    const map = new BoundedMap<number, number>({ max: 100 });
    const controller = new AbortController();
    const growth = await measureGrowth(
      async (i) => {
        const local = new AbortController();
        const p = map.getOrLoad(
          i,
          (_k, { signal }) =>
            new Promise<number>((_, rej) =>
              signal.addEventListener('abort', () => rej(signal.reason), { once: true }),
            ),
          {
            signal: local.signal,
          },
        );
        local.abort();
        await p.catch(() => {});
        // A long-lived signal passed to loads that succeed must not collect listeners.
        await map.getOrLoad(-1, () => 1, { signal: controller.signal });
      },
      // The heap takes one step of about 100 KB some 6,000 operations in, once a run (what
      // makes it was not traced); a warm-up of one sample ended before it, and with five
      // samples that step alone read as 2 to 5 B/op in half the runs (1 full run in about 40).
      // One listener left on the long-lived signal per operation costs about 160 B/op.
      { samples: 6, opsPerSample: 5_000, warmup: 4 },
    );
    expect(map.stats().inflight).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(growth.bytesPerOp).toBeLessThan(2);
    map.dispose();
  });

  it('BoundedSet and memoize stay flat too', async () => {
    const set = new BoundedSet<string>({ max: 1000 });
    const setGrowth = await measureGrowth((i) => set.add(`user-${i}`), {
      samples: 6,
      opsPerSample: 50_000,
      warmup: 2,
    });
    expect(setGrowth.bytesPerOp).toBeLessThan(0.5);
    const f = memoize((n: number) => ({ n }), { max: 1000 });
    const memoGrowth = await measureGrowth((i) => f(i), { samples: 6, opsPerSample: 50_000, warmup: 2 });
    expect(memoGrowth.bytesPerOp).toBeLessThan(0.5);
    set.dispose();
    f.cache.dispose();
  });
});
