import { chunk, filter, map, mapConcurrent, pipe, reduce, type Stage, take, toArray } from '@leakproof/iter';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { probe, range } from './helpers.js';

describe('pipe', () => {
  test('threads a source through typed stages', async () => {
    const stage = pipe(
      range(10),
      (s) => filter(s, (x) => x % 2 === 0),
      (s) => map(s, (x) => ({ x })),
      (s) => chunk(s, 2),
      (s) => mapConcurrent(s, async (batch) => batch.map((b) => b.x), { concurrency: 2 }),
    );
    expectTypeOf(stage).toEqualTypeOf<Stage<number[]>>();
    expect(await toArray(stage, { max: 10 })).toEqual([[0, 2], [4, 6], [8]]);
  });

  test('the last stage may be a consumer returning a promise', async () => {
    const total = pipe(
      range(5),
      (s) => map(s, (x) => x * 2),
      (s) => reduce(s, (a, x) => a + x, 0),
    );
    expectTypeOf(total).toEqualTypeOf<Promise<number>>();
    expect(await total).toBe(20);
  });

  test('stage types are checked', () => {
    // Checked by the type check in the test command (`tsc`): if pipe stopped typing each
    // stage, this @ts-expect-error would be unused and the type check would fail.
    // @ts-expect-error chunk yields number[], not string
    const stage = pipe(
      range(3),
      (s) => chunk(s, 2),
      (s: AsyncIterable<string>) => s,
    );
    expectTypeOf(stage).toEqualTypeOf<AsyncIterable<string>>();
  });

  test('a stage that throws while the pipeline is built closes what was already built', async () => {
    const p = probe(range(10));
    expect(() =>
      pipe(
        p.source,
        (s) => take(s, 5),
        (s) => chunk(s, 0),
      ),
    ).toThrowError(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(p.pulled()).toBe(0);
    expect(await p.source.next()).toEqual({ done: true, value: undefined });
  });
});
