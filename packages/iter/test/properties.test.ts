import {
  buffer,
  chunk,
  drop,
  filter,
  flatMap,
  forEach,
  map,
  mapConcurrent,
  merge,
  paginate,
  reduce,
  type Stage,
  take,
  tap,
  toArray,
} from '@leakproof/iter';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

// A source whose items arrive after no wait, a microtask, or a macrotask, counting closes.
function source(items: readonly number[], delays: readonly number[]) {
  const counts = { closed: 0, pulled: 0, started: 0 };
  async function* gen() {
    counts.started = 1;
    try {
      for (let i = 0; i < items.length; i++) {
        const d = delays[i % Math.max(1, delays.length)] ?? 0;
        if (d === 1) await Promise.resolve();
        else if (d === 2) await new Promise((resolve) => setImmediate(resolve));
        counts.pulled++;
        yield items[i]!;
      }
    } finally {
      counts.closed++;
    }
  }
  return { it: gen(), counts };
}

/**
 * The source was closed exactly once, or never started and returned before it did (a
 * generator never started has no finally to run). Either way it is finished: a further
 * next() is done at once rather than starting it.
 */
async function closedOnce(s: ReturnType<typeof source>): Promise<void> {
  expect(s.counts.closed).toBe(s.counts.started);
  expect(await s.it.next()).toEqual({ done: true, value: undefined });
  expect(s.counts.started).toBe(s.counts.closed);
}

function wait(d: number, value: number): number | Promise<number> {
  if (d === 0) return value;
  if (d === 1) return Promise.resolve(value);
  return new Promise((resolve) => setImmediate(() => resolve(value)));
}

/** Reads at most `stopAt` items (all when undefined), then stops early with return(). */
async function consume<T>(stage: Stage<T>, stopAt: number | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stage) {
    if (stopAt !== undefined && out.length >= stopAt) break;
    out.push(item);
  }
  return out;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const items = fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 60 });
const delays = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 });
const stopAt = fc.option(fc.nat({ max: 40 }), { nil: undefined });

describe('properties: output equals the array computation; every source closes exactly once', () => {
  test('chunk', async () => {
    await fc.assert(
      fc.asyncProperty(items, delays, fc.integer({ min: 1, max: 10 }), stopAt, async (xs, ds, size, stop) => {
        const s = source(xs, ds);
        const out = await consume(chunk(s.it, size), stop);
        const expected = chunks(xs, size);
        expect(out).toEqual(stop === undefined ? expected : expected.slice(0, stop));
        await closedOnce(s);
      }),
      { numRuns: 150 },
    );
  });

  test('mapConcurrent, ordered and unordered, with random fn timing', async () => {
    await fc.assert(
      fc.asyncProperty(
        items,
        delays,
        delays,
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        stopAt,
        async (xs, ds, fnDelays, concurrency, ordered, stop) => {
          const s = source(xs, ds);
          const stage = mapConcurrent(
            s.it,
            (x, { index }) => wait(fnDelays[index % fnDelays.length]!, x * 2),
            {
              concurrency,
              ordered,
            },
          );
          const out = await consume(stage, stop);
          const expected = xs.map((x) => x * 2);
          if (ordered) expect(out).toEqual(stop === undefined ? expected : expected.slice(0, stop));
          else {
            expect(out.length).toBe(stop === undefined ? expected.length : Math.min(stop, expected.length));
            if (stop === undefined) expect([...out].sort()).toEqual([...expected].sort());
          }
          await closedOnce(s);
          expect(s.counts.pulled - out.length).toBeLessThanOrEqual(concurrency + 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a composed pipeline: drop, filter, map, chunk, mapConcurrent, flatMap, buffer, take', async () => {
    await fc.assert(
      fc.asyncProperty(
        items,
        delays,
        fc.nat({ max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat({ max: 80 }),
        stopAt,
        async (xs, ds, dropN, size, concurrency, bufferSize, takeN, stop) => {
          const s = source(xs, ds);
          const stage = take(
            buffer(
              flatMap(
                mapConcurrent(
                  chunk(
                    map(
                      filter(drop(s.it, dropN), (x) => x % 3 !== 0),
                      async (x) => x + 1,
                    ),
                    size,
                  ),
                  (batch, { index }) => {
                    const done = wait(index % 3, 0);
                    return typeof done === 'number' ? batch : done.then(() => batch);
                  },
                  { concurrency },
                ),
                (batch) => batch,
              ),
              bufferSize,
            ),
            takeN,
          );
          const out = await consume(stage, stop);
          const expected = xs
            .slice(dropN)
            .filter((x) => x % 3 !== 0)
            .map((x) => x + 1)
            .slice(0, takeN);
          expect(out).toEqual(stop === undefined ? expected : expected.slice(0, stop));
          await closedOnce(s);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('merge yields the multiset union and closes every source', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(items, delays), { maxLength: 5 }),
        fc.integer({ min: 1, max: 5 }),
        stopAt,
        async (specs, concurrency, stop) => {
          const sources = specs.map(([xs, ds]) => source(xs, ds));
          const out = await consume(
            merge(
              sources.map((s) => s.it),
              { concurrency },
            ),
            stop,
          );
          const all = specs.flatMap(([xs]) => xs);
          if (stop === undefined) expect([...out].sort()).toEqual([...all].sort());
          else expect(out.length).toBe(Math.min(stop, all.length));
          // Sources never opened are closed too (the stage owns them).
          for (const s of sources) await closedOnce(s);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('paginate yields the table in key order for any page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 120 }),
        fc.integer({ min: 1, max: 30 }),
        stopAt,
        async (total, limit, stop) => {
          let fetches = 0;
          const stage = paginate<number, number>(
            async (after, request) => {
              fetches++;
              const start = after ?? 0;
              const n = Math.max(0, Math.min(request.limit, total - start));
              const page = Array.from({ length: n }, (_, i) => start + i + 1);
              return { items: page, next: n === request.limit ? start + n : undefined };
            },
            { limit },
          );
          const out = await consume(stage, stop);
          const expected = Array.from({ length: total }, (_, i) => i + 1);
          expect(out).toEqual(stop === undefined ? expected : expected.slice(0, stop));
          if (stop === undefined) expect(fetches).toBe(Math.floor(total / limit) + 1);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('flatMap with concurrency: the multiset of inner items, inners and outer closed once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(items, delays), { maxLength: 6 }),
        delays,
        fc.integer({ min: 1, max: 4 }),
        stopAt,
        async (specs, ds, concurrency, stop) => {
          const inners: ReturnType<typeof source>[] = [];
          const outer = source(
            specs.map((_, i) => i),
            ds,
          );
          const stage = flatMap(
            outer.it,
            (i) => {
              const inner = source(specs[i]![0], specs[i]![1]);
              inners.push(inner);
              return inner.it;
            },
            { concurrency },
          );
          const out = await consume(stage, stop);
          const all = specs.flatMap(([xs]) => xs);
          if (stop === undefined) {
            expect([...out].sort()).toEqual([...all].sort());
            if (concurrency === 1) expect(out).toEqual(all);
          } else expect(out.length).toBe(Math.min(stop, all.length));
          await closedOnce(outer);
          for (const inner of inners) await closedOnce(inner);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('forEach, reduce and tap see every item once; forEach never exceeds concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        items,
        delays,
        delays,
        fc.integer({ min: 1, max: 6 }),
        async (xs, ds, fnDelays, concurrency) => {
          let running = 0;
          let most = 0;
          const seen: number[] = [];
          const s1 = source(xs, ds);
          await forEach(
            s1.it,
            async (x, { index }) => {
              running++;
              most = Math.max(most, running);
              await wait(fnDelays[index % fnDelays.length]!, 0);
              seen.push(x);
              running--;
            },
            { concurrency },
          );
          expect([...seen].sort()).toEqual([...xs].sort());
          expect(most).toBeLessThanOrEqual(concurrency);
          await closedOnce(s1);

          const s2 = source(xs, ds);
          const tapped: number[] = [];
          const total = await reduce(
            tap(s2.it, (x) => {
              tapped.push(x);
            }),
            async (sum, x) => sum + x,
            0,
          );
          expect(total).toBe(xs.reduce((a, b) => a + b, 0));
          expect(tapped).toEqual(xs);
          await closedOnce(s2);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('toArray: exactly the items, or ERR_OUT_OF_RANGE when there are more than max', async () => {
    await fc.assert(
      fc.asyncProperty(items, delays, fc.integer({ min: 1, max: 70 }), async (xs, ds, max) => {
        const s = source(xs, ds);
        if (xs.length <= max) expect(await toArray(s.it, { max })).toEqual(xs);
        else await expect(toArray(s.it, { max })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
        await closedOnce(s);
      }),
      { numRuns: 150 },
    );
  });
});

// Model-based: random interleavings of next(), return() and abort against a plain array.
interface Model {
  readonly expected: readonly unknown[];
  position: number;
  state: 'open' | 'aborted' | 'closed';
  abortDelivered: boolean;
}

interface Real {
  readonly stage: Stage<unknown>;
  readonly controller: AbortController;
  readonly counts: { closed: number; pulled: number; started: number };
}

class NextCommand implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    if (m.state === 'aborted' && !m.abortDelivered) {
      m.abortDelivered = true;
      await expect(r.stage.next()).rejects.toMatchObject({ name: 'AbortError' });
      expect(r.counts.closed).toBe(r.counts.started);
      return;
    }
    const result = await r.stage.next();
    if (m.state !== 'open' || m.position >= m.expected.length) {
      expect(result).toEqual({ done: true, value: undefined });
      m.state = m.state === 'open' ? 'closed' : m.state;
      expect(r.counts.closed).toBe(r.counts.started);
      return;
    }
    expect(result).toEqual({ done: false, value: m.expected[m.position++] });
  }
  toString(): string {
    return 'next()';
  }
}

class ReturnCommand implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    expect(await r.stage.return(undefined)).toEqual({ done: true, value: undefined });
    expect(r.counts.closed).toBe(r.counts.started);
    if (m.state === 'open') m.state = 'closed';
    if (m.state === 'aborted') m.abortDelivered = true; // return() after abort: no error left to deliver
  }
  toString(): string {
    return 'return()';
  }
}

class AbortCommand implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>): boolean {
    // Only while items remain: a stage that has already finished has nothing to abort.
    return m.state === 'open' && m.position < m.expected.length;
  }
  async run(m: Model, r: Real): Promise<void> {
    r.controller.abort();
    m.state = 'aborted';
    m.abortDelivered = false;
  }
  toString(): string {
    return 'abort';
  }
}

type Build = (
  source: AsyncIterable<number>,
  signal: AbortSignal,
  n: number,
) => {
  stage: Stage<unknown>;
  expected: (xs: readonly number[]) => readonly unknown[];
  /** False when the stage does not own the source (paginate reads it inside fetchPage). */
  owns?: boolean;
};

const builds: [string, Build][] = [
  [
    'chunk → mapConcurrent',
    (s, signal, n) => ({
      stage: mapConcurrent(chunk(s, n), async (batch) => batch, { concurrency: 1 + (n % 4), signal }),
      expected: (xs) => chunks(xs, n),
    }),
  ],
  [
    'mapConcurrent unordered → (sorted by the model)',
    (s, signal, n) => ({
      stage: map(
        chunk(
          mapConcurrent(s, async (x) => x, { concurrency: n, ordered: false, signal }),
          1_000,
        ),
        (batch) => [...batch].sort((a, b) => a - b),
      ),
      expected: (xs) => (xs.length === 0 ? [] : [[...xs].sort((a, b) => a - b)]),
    }),
  ],
  [
    'filter',
    (s, signal) => ({
      stage: filter(s, (x) => x % 2 === 0, { signal }),
      expected: (xs) => xs.filter((x) => x % 2 === 0),
    }),
  ],
  ['take', (s, signal, n) => ({ stage: take(s, n, { signal }), expected: (xs) => xs.slice(0, n) })],
  ['drop', (s, signal, n) => ({ stage: drop(s, n, { signal }), expected: (xs) => xs.slice(n) })],
  ['buffer', (s, signal, n) => ({ stage: buffer(s, n, { signal }), expected: (xs) => xs })],
  [
    'flatMap',
    (s, signal) => ({
      stage: flatMap(s, async (x) => [x, -x], { signal }),
      expected: (xs) => xs.flatMap((x) => [x, -x]),
    }),
  ],
  [
    'paginate over the source',
    (s, signal, n) => {
      const it = s[Symbol.asyncIterator]();
      return {
        stage: paginate<number, number>(
          async (cursor, { limit }) => {
            const items: number[] = [];
            for (let i = 0; i < limit; i++) {
              const r = await it.next();
              if (r.done === true) return { items, next: undefined };
              items.push(r.value);
            }
            return { items, next: (cursor ?? 0) + 1 };
          },
          { limit: n, signal },
        ),
        expected: (xs) => xs,
        owns: false,
      };
    },
  ],
];

test.each(builds)('model-based: next/return/abort in any order on %s', async (_name, build) => {
  await fc.assert(
    fc.asyncProperty(
      items,
      delays,
      fc.integer({ min: 1, max: 5 }),
      fc.commands(
        [fc.constant(new NextCommand()), fc.constant(new ReturnCommand()), fc.constant(new AbortCommand())],
        { maxCommands: 30 },
      ),
      async (xs, ds, n, commands) => {
        const controller = new AbortController();
        const s = source(xs, ds);
        const { stage, expected, owns = true } = build(s.it, controller.signal, n);
        const model: Model = { expected: expected(xs), position: 0, state: 'open', abortDelivered: true };
        const counts = owns ? s.counts : { closed: 0, pulled: 0, started: 0 };
        await fc.asyncModelRun(() => ({ model, real: { stage, controller, counts } }), commands);
        await stage.return(undefined);
        if (owns) await closedOnce(s);
      },
    ),
    { numRuns: 60 },
  );
});
