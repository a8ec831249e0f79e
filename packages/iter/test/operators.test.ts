import {
  buffer,
  drop,
  filter,
  flatMap,
  forEach,
  map,
  merge,
  reduce,
  take,
  tap,
  toArray,
} from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { probe, range, sleep, syncProbe } from './helpers.js';

describe('map, filter, tap, take, drop', () => {
  test('map and filter, sync and async callbacks, with index', async () => {
    expect(
      await toArray(
        map(range(4), (x, i) => x * 10 + i),
        { max: 4 },
      ),
    ).toEqual([0, 11, 22, 33]);
    expect(
      await toArray(
        map(probe(range(3)).source, async (x) => `${x}`),
        { max: 3 },
      ),
    ).toEqual(['0', '1', '2']);
    expect(
      await toArray(
        filter(range(10), (x) => x % 3 === 0),
        { max: 10 },
      ),
    ).toEqual([0, 3, 6, 9]);
    expect(
      await toArray(
        filter(range(10), async (_x, i) => i < 2),
        { max: 10 },
      ),
    ).toEqual([0, 1]);
  });

  test('filter with a type guard narrows the item type', async () => {
    const mixed: (number | string)[] = [1, 'a', 2];
    const numbers: number[] = await toArray(
      filter(mixed, (x): x is number => typeof x === 'number'),
      { max: 3 },
    );
    expect(numbers).toEqual([1, 2]);
  });

  test('tap sees every item and awaits an async side effect before passing it on', async () => {
    const seen: number[] = [];
    const out = await toArray(
      tap(range(3), async (x) => {
        await sleep(1);
        seen.push(x);
      }),
      { max: 3 },
    );
    expect(out).toEqual([0, 1, 2]);
    expect(seen).toEqual([0, 1, 2]);
  });

  test('take closes the source right after the last wanted item, before the following next()', async () => {
    const p = probe(range(100), { finallyDelayMs: 5 });
    const stage = take(p.source, 2);
    await stage.next();
    await stage.next();
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(p.closed()).toBe(1);
    expect(p.pulled()).toBe(2);
  });

  test('take(0) reads nothing; take more than there is yields all', async () => {
    const p = probe(range(5));
    expect(await toArray(take(p.source, 0), { max: 1 })).toEqual([]);
    expect(p.pulled()).toBe(0);
    expect(await toArray(take(range(3), 10), { max: 10 })).toEqual([0, 1, 2]);
  });

  test('drop skips the first items', async () => {
    expect(await toArray(drop(range(5), 2), { max: 5 })).toEqual([2, 3, 4]);
    expect(await toArray(drop(range(5), 0), { max: 5 })).toEqual(range(5));
    expect(await toArray(drop(range(5), 9), { max: 5 })).toEqual([]);
  });

  test('a throwing callback closes the source and surfaces once', async () => {
    for (const make of [
      (s: AsyncIterable<number>) => map(s, (x) => (x === 2 ? Promise.reject(new Error('bad')) : x)),
      (s: AsyncIterable<number>) =>
        filter(s, (x) => {
          if (x === 2) throw new Error('bad');
          return true;
        }),
      (s: AsyncIterable<number>) =>
        tap(s, async (x) => {
          if (x === 2) throw new Error('bad');
        }),
    ]) {
      const p = probe(range(10));
      const stage = make(p.source);
      await expect(toArray(stage, { max: 10 })).rejects.toThrow('bad');
      expect(p.closed()).toBe(1);
      expect(await stage.next()).toEqual({ done: true, value: undefined });
    }
  });

  test('a synchronous source is closed (return()) on early stop and not after exhaustion', async () => {
    const early = syncProbe(range(10));
    for await (const _ of map(early.source, (x) => x)) break;
    expect(early.returned()).toBe(1);
    const full = syncProbe(range(3));
    await toArray(
      map(full.source, (x) => x),
      { max: 3 },
    );
    expect(full.returned()).toBe(0);
  });
});

describe('flatMap and merge', () => {
  test('flatMap concatenates in order with concurrency 1', async () => {
    expect(
      await toArray(
        flatMap(range(3), (x) => range(x + 1)),
        { max: 10 },
      ),
    ).toEqual([0, 0, 1, 0, 1, 2]);
    expect(
      await toArray(
        flatMap(range(3), async (x) => probe([x, x]).source),
        { max: 10 },
      ),
    ).toEqual([0, 0, 1, 1, 2, 2]);
    expect(
      await toArray(
        flatMap(range(1000), () => []),
        { max: 1 },
      ),
    ).toEqual([]);
  });

  test('flatMap with concurrency interleaves but loses nothing', async () => {
    const out = await toArray(
      flatMap(
        range(6),
        (x) =>
          probe(
            range(5).map((i) => x * 10 + i),
            { delayMs: x % 2 },
          ).source,
        { concurrency: 3 },
      ),
      { max: 100 },
    );
    expect([...out].sort((a, b) => a - b)).toEqual(range(6).flatMap((x) => range(5).map((i) => x * 10 + i)));
  });

  test('flatMap: fn returning a non-iterable fails with ERR_INVALID_ARG_TYPE and closes the source', async () => {
    const p = probe(range(3));
    await expect(
      toArray(
        flatMap(p.source, () => 42 as never),
        { max: 10 },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(p.closed()).toBe(1);
  });

  test('merge interleaves sources and completes when all are done', async () => {
    const out = await toArray(merge([probe([1, 2, 3], { delayMs: 1 }).source, [10, 20], probe([]).source]), {
      max: 10,
    });
    expect([...out].sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 20]);
    expect(await toArray(merge([]), { max: 1 })).toEqual([]);
  });

  test('merge over an async iterable of sources needs concurrency and reads sources lazily', async () => {
    async function* sources() {
      yield [1, 2];
      yield probe([3]).source;
    }
    expect(() => merge(sources())).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect((await toArray(merge(sources(), { concurrency: 1 }), { max: 10 })).sort()).toEqual([1, 2, 3]);
  });

  test('merge: one failing source closes all the others', async () => {
    const a = probe(range(100), { delayMs: 1 });
    const b = probe(range(100), { delayMs: 0, failAt: 3 });
    await expect(toArray(merge([a.source, b.source]), { max: 1000 })).rejects.toThrow('source failed at 3');
    expect(a.closed()).toBe(1);
    expect(b.closed()).toBe(1);
  });
});

describe('buffer', () => {
  test('passes every item through in order', async () => {
    expect(await toArray(buffer(probe(range(50)).source, 7), { max: 50 })).toEqual(range(50));
    expect(await toArray(buffer(range(5), 2), { max: 5 })).toEqual(range(5));
  });

  test('items read before a source error are handed out before the error', async () => {
    const stage = buffer(probe(range(10), { failAt: 3 }).source, 5);
    await sleep(1);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const x of stage) seen.push(x);
      })(),
    ).rejects.toThrow('source failed at 3');
    expect(seen).toEqual([0, 1, 2]);
  });
});

describe('forEach, reduce, toArray', () => {
  test('forEach runs fn for every item with at most concurrency in flight', async () => {
    let running = 0;
    let most = 0;
    let sum = 0;
    await forEach(
      probe(range(40)).source,
      async (x) => {
        running++;
        most = Math.max(most, running);
        await sleep(x % 2);
        sum += x;
        running--;
      },
      { concurrency: 3 },
    );
    expect(sum).toBe(780);
    expect(most).toBe(3);
  });

  test('forEach: a failure rejects once, aborts the rest and closes the source', async () => {
    const p = probe(range(100));
    const signals: AbortSignal[] = [];
    await expect(
      forEach(
        p.source,
        async (x, { signal }) => {
          signals.push(signal);
          if (x === 5) throw new Error('stop');
          await sleep(2);
        },
        { concurrency: 4 },
      ),
    ).rejects.toThrow('stop');
    expect(p.closed()).toBe(1);
    expect(signals[0]!.aborted).toBe(true);
  });

  test('reduce folds sync and async, closing the source when fn throws', async () => {
    expect(await reduce(range(5), (a, x) => a + x, 0)).toBe(10);
    expect(await reduce(probe(range(5)).source, async (a, x, i) => a + x * i, 0)).toBe(30);
    const p = probe(range(10));
    await expect(
      reduce(
        p.source,
        (a, x) => {
          if (x === 3) throw new Error('no');
          return a + x;
        },
        0,
      ),
    ).rejects.toThrow('no');
    expect(p.closed()).toBe(1);
  });

  test('toArray collects up to max; one more closes the source and rejects with ERR_OUT_OF_RANGE', async () => {
    expect(await toArray(range(3), { max: 3 })).toEqual([0, 1, 2]);
    const p = probe(range(100));
    const error = await toArray(p.source, { max: 10 }).catch((e) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ code: 'ERR_OUT_OF_RANGE', limit: 10 });
    expect(error.message).toBe(
      'Expected `items in the source` to be at most 10 (`options.max`), got `11` (number)',
    );
    expect(p.pulled()).toBe(11);
    expect(p.closed()).toBe(1);
  });

  test('toArray with a signal rejects with AbortError and closes the source', async () => {
    const controller = new AbortController();
    const p = probe(range(100), { delayMs: 1 });
    const pending = toArray(p.source, { max: 1000, signal: controller.signal });
    await sleep(5);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.closed()).toBe(1);
  });
});
