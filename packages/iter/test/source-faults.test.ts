// A source whose next() gives something other than an iterator result is broken: `for await`
// and `for...of` throw a TypeError on it. Every stage must fail the same way (not hang), and
// leave no unhandled rejection behind.
import {
  buffer,
  chunk,
  drop,
  filter,
  flatMap,
  forEach,
  from,
  map,
  mapConcurrent,
  merge,
  reduce,
  take,
  tap,
  toArray,
  toReadable,
} from '@leakproof/iter';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { settle } from './helpers.js';

type Consume = (source: AsyncIterable<number> | Iterable<number>) => Promise<unknown>;

const first = (stage: AsyncIterator<unknown>) => stage.next();

const consumers: [string, Consume][] = [
  ['from', (s) => first(from(s))],
  ['map', (s) => first(map(s, (x) => x))],
  ['map (async fn)', (s) => first(map(s, async (x) => x))],
  ['filter', (s) => first(filter(s, () => true))],
  ['tap', (s) => first(tap(s, () => {}))],
  ['drop', (s) => first(drop(s, 0))],
  ['take', (s) => first(take(s, 5))],
  ['chunk', (s) => first(chunk(s, 3))],
  ['chunk (maxWaitMs)', (s) => first(chunk(s, { size: 3, maxWaitMs: 1000 }))],
  ['buffer', (s) => first(buffer(s, 4))],
  ['mapConcurrent', (s) => first(mapConcurrent(s, async (x) => x, { concurrency: 2 }))],
  [
    'mapConcurrent (unordered)',
    (s) => first(mapConcurrent(s, async (x) => x, { concurrency: 2, ordered: false })),
  ],
  ['merge', (s) => first(merge([s]))],
  [
    'merge (outer source)',
    (s) =>
      first(
        merge(
          map(s, (x) => [x]),
          { concurrency: 1 },
        ),
      ),
  ],
  ['flatMap (outer source)', (s) => first(flatMap(s, (x) => [x]))],
  ['flatMap (inner source)', (s) => first(flatMap([1], () => s))],
  ['flatMap (concurrency 2, inner source)', (s) => first(flatMap([1, 2], () => s, { concurrency: 2 }))],
  ['forEach', (s) => forEach(s, () => {})],
  ['reduce', (s) => reduce(s, (a, x) => a + x, 0)],
  ['toArray', (s) => toArray(s, { max: 10 })],
  [
    'toReadable',
    (s) =>
      new Promise((resolve, reject) => {
        const readable = toReadable(s);
        readable.on('error', reject);
        readable.on('data', resolve);
      }),
  ],
];

function asyncSourceAnswering(answer: unknown): AsyncIterable<number> {
  return {
    [Symbol.asyncIterator]: () => ({ next: async () => answer as IteratorResult<number> }),
  };
}

function syncSourceAnswering(answer: unknown): Iterable<number> {
  return { [Symbol.iterator]: () => ({ next: () => answer as IteratorResult<number> }) };
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const invalidResult = expect.objectContaining({
  name: 'TypeError',
  code: 'ERR_INVALID_RETURN_VALUE',
  message: expect.stringContaining('`source.next()`'),
});

describe.each(consumers)('%s: a source whose next() gives a non-object', (_name, consume) => {
  for (const answer of [undefined, null, 42, 'done']) {
    test(`an async source resolving to ${String(answer)} fails it with a TypeError, nothing unhandled`, async () => {
      await expect(consume(asyncSourceAnswering(answer))).rejects.toThrowError(invalidResult);
      await settle();
      expect(unhandled).toEqual([]);
    });
  }

  test('a sync source returning undefined fails it with a TypeError, as for...of does', async () => {
    await expect(consume(syncSourceAnswering(undefined))).rejects.toThrowError(invalidResult);
    await settle();
    expect(unhandled).toEqual([]);
  });
});

test('a broken source is treated as finished, as for await treats it: its return() is not called', async () => {
  let returned = 0;
  const source: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => undefined as unknown as IteratorResult<number>,
      return: async () => {
        returned++;
        return { done: true, value: undefined };
      },
    }),
  };
  const stage = map(source, (x) => x);
  await expect(stage.next()).rejects.toThrow(TypeError);
  expect(await stage.next()).toEqual({ done: true, value: undefined });
  expect(returned).toBe(0);
  // What for await does with the same source:
  await expect(
    (async () => {
      for await (const _ of source);
    })(),
  ).rejects.toThrow(TypeError);
  expect(returned).toBe(0);
});
