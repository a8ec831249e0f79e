import {
  buffer,
  chunk,
  filter,
  flatMap,
  from,
  map,
  mapConcurrent,
  merge,
  paginate,
  take,
  toReadable,
} from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { probe, range, settle, sleep } from './helpers.js';

// A consumer takes `consume` items, then stalls; whatever the stage read beyond that is read-ahead.
async function stalledAfter(stage: AsyncIterator<unknown>, consume: number): Promise<void> {
  for (let i = 0; i < consume; i++) await stage.next();
  await settle(10);
  await sleep(5);
  await settle(10);
}

describe('read-ahead never exceeds what the options allow (stalled consumer)', () => {
  test.each([1, 2, 5, 16])(
    'mapConcurrent concurrency %i: at most concurrency items ahead',
    async (concurrency) => {
      for (const ordered of [true, false]) {
        for (const consume of [0, 1, 7]) {
          const p = probe(range(1000));
          const stage = mapConcurrent(p.source, async (x) => x, { concurrency, ordered });
          await stalledAfter(stage, consume);
          const ahead = p.pulled() - consume;
          expect(ahead).toBeLessThanOrEqual(concurrency);
          if (consume > 0) expect(ahead).toBe(concurrency); // it does pipeline up to the bound
          await stage.return(undefined);
        }
      }
    },
  );

  test('mapConcurrent: never more than concurrency calls in flight, whatever their timing', async () => {
    let running = 0;
    let most = 0;
    const stage = mapConcurrent(
      range(60),
      async (x) => {
        running++;
        most = Math.max(most, running);
        await sleep(x % 3);
        running--;
        return x;
      },
      { concurrency: 4, ordered: true },
    );
    const out: number[] = [];
    for await (const x of stage) out.push(x);
    expect(out).toEqual(range(60));
    expect(most).toBe(4);
  });

  test('mapConcurrent ordered: a slow first item holds back at most concurrency results', async () => {
    const p = probe(range(100));
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const stage = mapConcurrent(p.source, async (x) => (x === 0 ? slow.then(() => x) : x), {
      concurrency: 3,
    });
    const first = stage.next();
    await settle(10);
    expect(p.pulled()).toBe(3);
    expect(stage.stats()).toMatchObject({ inFlight: 1, buffered: 2 });
    release();
    expect(await first).toEqual({ done: false, value: 0 });
    await stage.return(undefined);
  });

  test.each([1, 3, 10])(
    'chunk size %i: reads only for a waiting next(), one batch at a time',
    async (size) => {
      const p = probe(range(100));
      const stage = chunk(p.source, size);
      await stalledAfter(stage, 0);
      expect(p.pulled()).toBe(0);
      await stalledAfter(stage, 2);
      expect(p.pulled()).toBe(2 * size);
      await stage.return(undefined);
    },
  );

  test('chunk with maxWaitMs: after a timed flush at most one read is outstanding', async () => {
    const p = probe(range(100), { delayMs: 15 });
    const stage = chunk(p.source, { size: 10, maxWaitMs: 20 });
    const first = await stage.next();
    expect((first.value as number[]).length).toBeLessThan(10);
    const delivered = (first.value as number[]).length;
    await sleep(60);
    expect(p.pulled() - delivered).toBeLessThanOrEqual(1);
    await stage.return(undefined);
  });

  test.each([1, 4, 32])('buffer %i: at most size items ahead', async (size) => {
    const p = probe(range(1000));
    const stage = buffer(p.source, size);
    await stalledAfter(stage, 3);
    expect(p.pulled() - 3).toBe(size);
    await stage.return(undefined);
  });

  test('merge: at most one item ahead per source being read', async () => {
    const probes = [probe(range(100)), probe(range(100)), probe(range(100)), probe(range(100))];
    const stage = merge(
      probes.map((p) => p.source),
      { concurrency: 3 },
    );
    await stalledAfter(stage, 5);
    const pulled = probes.reduce((n, p) => n + p.pulled(), 0);
    expect(pulled - 5).toBeLessThanOrEqual(3);
    expect(probes[3]!.pulled()).toBe(0);
    await stage.return(undefined);
    expect(probes.slice(0, 3).map((p) => p.closed())).toEqual([1, 1, 1]);
  });

  test('flatMap concurrency 2: at most one item ahead per open inner source', async () => {
    const outer = probe(range(100));
    const inners: ReturnType<typeof probe<number>>[] = [];
    const stage = flatMap(
      outer.source,
      (x) => {
        const inner = probe(range(50).map((i) => x * 1000 + i));
        inners.push(inner);
        return inner.source;
      },
      { concurrency: 2 },
    );
    await stalledAfter(stage, 5);
    expect(outer.pulled()).toBe(2);
    const pulled = inners.reduce((n, p) => n + p.pulled(), 0);
    expect(pulled - 5).toBeLessThanOrEqual(2);
    await stage.return(undefined);
    expect(inners.map((p) => p.closed())).toEqual([1, 1]);
    expect(outer.closed()).toBe(1);
  });

  test('paginate: one page at a time, the next fetched only when the current one is handed out', async () => {
    let fetched = 0;
    const stage = paginate<number, number>(
      async (cursor, { limit }) => {
        const start = cursor ?? 0;
        fetched += limit;
        return { items: range(limit).map((i) => start + i), next: start + limit };
      },
      { limit: 25 },
    );
    await stalledAfter(stage, 30);
    expect(fetched).toBe(50);
    await stalledAfter(stage, 20);
    expect(fetched).toBe(50);
    await stage.return(undefined);
  });

  test.each([
    ['from', (s: AsyncIterable<number>) => from(s)],
    ['map', (s: AsyncIterable<number>) => map(s, async (x) => x)],
    ['take', (s: AsyncIterable<number>) => take(s, 50)],
  ])('%s: no read-ahead at all', async (_name, make) => {
    const p = probe(range(100));
    const stage = make(p.source);
    await stalledAfter(stage, 4);
    expect(p.pulled()).toBe(4);
    await stage.return(undefined);
  });

  test('filter reads only until it finds the next kept item', async () => {
    const p = probe(range(100));
    const stage = filter(p.source, (x) => x % 10 === 9);
    await stalledAfter(stage, 2);
    expect(p.pulled()).toBe(20);
    await stage.return(undefined);
  });

  test('nested: chunk(10) into mapConcurrent(3) holds at most 3 batches ahead', async () => {
    const p = probe(range(10_000));
    const stage = mapConcurrent(chunk(p.source, 10), async (batch) => batch.length, { concurrency: 3 });
    await stalledAfter(stage, 2);
    expect(p.pulled() - 2 * 10).toBeLessThanOrEqual(3 * 10);
    await stage.return(undefined);
    expect(p.closed()).toBe(1);
  });

  test('toReadable: reads no further than highWaterMark while nobody reads the stream', async () => {
    const p = probe(range(1000));
    const readable = toReadable(p.source, { highWaterMark: 4 });
    readable.read(0);
    await settle(10);
    expect(p.pulled()).toBeLessThanOrEqual(5);
    readable.destroy();
    await new Promise((resolve) => readable.once('close', resolve));
    expect(p.closed()).toBe(1);
  });
});
