import { mapConcurrent, toArray } from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { probe, range, sleep } from './helpers.js';

function heapAfterGC(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

describe('mapConcurrent', () => {
  test('ordered output follows the source even when later items finish first', async () => {
    const out = await toArray(
      mapConcurrent(
        range(20),
        async (x) => {
          await sleep((20 - x) % 4);
          return x * 2;
        },
        { concurrency: 5 },
      ),
      { max: 20 },
    );
    expect(out).toEqual(range(20).map((x) => x * 2));
  });

  test('unordered output yields results as they finish', async () => {
    const out = await toArray(
      mapConcurrent(
        range(3),
        async (x) => {
          await sleep(x === 0 ? 30 : 0);
          return x;
        },
        { concurrency: 3, ordered: false },
      ),
      { max: 3 },
    );
    expect(out[out.length - 1]).toBe(0);
    expect([...out].sort()).toEqual([0, 1, 2]);
  });

  test('fn receives the source index and the stage signal', async () => {
    const seen: [string, number, boolean][] = [];
    await toArray(
      mapConcurrent(
        ['a', 'b', 'c'],
        (item, { index, signal }) => {
          seen.push([item, index, signal.aborted]);
        },
        { concurrency: 2 },
      ),
      { max: 3 },
    );
    expect(seen).toEqual([
      ['a', 0, false],
      ['b', 1, false],
      ['c', 2, false],
    ]);
  });

  test('synchronous fn, synchronous source, thenables', async () => {
    expect(
      await toArray(
        mapConcurrent(range(5), (x) => x + 1, { concurrency: 2 }),
        { max: 5 },
      ),
    ).toEqual([1, 2, 3, 4, 5]);
    const thenable = (v: number): PromiseLike<number> => ({
      // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
      then: (ok) => Promise.resolve(ok?.(v)) as never,
    });
    expect(await toArray(mapConcurrent(range(3), thenable, { concurrency: 2 }), { max: 3 })).toEqual([
      0, 1, 2,
    ]);
  });

  test('a synchronous throw in fn fails the stage and closes the source', async () => {
    const p = probe(range(10));
    const stage = mapConcurrent(
      p.source,
      (x) => {
        if (x === 3) throw new Error('sync fail');
        return x;
      },
      { concurrency: 2 },
    );
    await expect(toArray(stage, { max: 10 })).rejects.toThrow('sync fail');
    expect(p.closed()).toBe(1);
  });

  test('an empty source completes', async () => {
    expect(
      await toArray(
        mapConcurrent([], async (x) => x, { concurrency: 3 }),
        { max: 1 },
      ),
    ).toEqual([]);
  });

  test('concurrent next() calls are answered in order', async () => {
    const stage = mapConcurrent(probe(range(4)).source, async (x) => x, { concurrency: 2 });
    const results = await Promise.all([stage.next(), stage.next(), stage.next(), stage.next(), stage.next()]);
    expect(results.map((r) => r.value)).toEqual([0, 1, 2, 3, undefined]);
    expect(results[4]!.done).toBe(true);
  });

  test('a huge concurrency allocates nothing up front: memory follows what is held', async () => {
    const before = heapAfterGC();
    const stages = range(20).map(() => mapConcurrent(range(10), async (x) => x, { concurrency: 2 ** 24 }));
    for (const stage of stages) await stage.next();
    const held = heapAfterGC() - before;
    expect(held).toBeLessThan(1024 * 1024); // a 2^24 slot table would be 128 MB per stage
    for (const stage of stages) await stage.return(undefined);
  });

  test('ordered output with many results held out of order (the ring grows)', async () => {
    const out = await toArray(
      mapConcurrent(
        range(300),
        async (x) => {
          await sleep(x < 100 ? 20 - (x % 20) : 0);
          return x;
        },
        { concurrency: 100 },
      ),
      { max: 300 },
    );
    expect(out).toEqual(range(300));
  });
});
