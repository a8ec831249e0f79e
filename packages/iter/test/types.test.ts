import type { Readable } from 'node:stream';
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
  paginate,
  reduce,
  type Stage,
  take,
  tap,
  toArray,
  toReadable,
  type WorkContext,
} from '@leakproof/iter';
import { describe, expectTypeOf, test } from 'vitest';

interface Row {
  id: number;
  sku: string;
}
const rows: AsyncIterable<Row> = (async function* () {})();
const ids: number[] = [];

describe('types', () => {
  test('stages infer their item types', () => {
    expectTypeOf(chunk(rows, 10)).toEqualTypeOf<Stage<Row[]>>();
    expectTypeOf(chunk(ids, { size: 10, maxBytes: 100, sizeOf: (n) => n })).toEqualTypeOf<Stage<number[]>>();
    expectTypeOf(mapConcurrent(rows, async (r) => r.sku, { concurrency: 2 })).toEqualTypeOf<Stage<string>>();
    expectTypeOf(map(ids, (n) => `${n}`)).toEqualTypeOf<Stage<string>>();
    expectTypeOf(filter(ids, (n) => n > 1)).toEqualTypeOf<Stage<number>>();
    expectTypeOf(tap(rows, () => {})).toEqualTypeOf<Stage<Row>>();
    expectTypeOf(take(rows, 1)).toEqualTypeOf<Stage<Row>>();
    expectTypeOf(drop(rows, 1)).toEqualTypeOf<Stage<Row>>();
    expectTypeOf(buffer(rows, 4)).toEqualTypeOf<Stage<Row>>();
    expectTypeOf(from(ids)).toEqualTypeOf<Stage<number>>();
    expectTypeOf(flatMap(ids, async (n) => [n, `${n}`])).toEqualTypeOf<Stage<number | string>>();
    expectTypeOf(merge([ids, rows])).toEqualTypeOf<Stage<number | Row>>();
  });

  test('callbacks get the documented arguments', () => {
    mapConcurrent(
      rows,
      (row, context) => {
        expectTypeOf(row).toEqualTypeOf<Row>();
        expectTypeOf(context).toEqualTypeOf<WorkContext>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      },
      { concurrency: 1 },
    );
    map(rows, (_row, index) => expectTypeOf(index).toEqualTypeOf<number>());
    void forEach(rows, (_row, { index }) => expectTypeOf(index).toEqualTypeOf<number>());
  });

  test('paginate infers the item and cursor types from fetchPage', () => {
    const stage = paginate(
      async (cursor: number | undefined, { limit, signal }) => {
        expectTypeOf(limit).toEqualTypeOf<number>();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
        return { items: [{ id: cursor ?? 0, sku: 'a' }], next: cursor };
      },
      { limit: 10 },
    );
    expectTypeOf(stage).toEqualTypeOf<Stage<{ id: number; sku: string }>>();
    expectTypeOf(paginate.pages(async () => ({ items: ['a'], next: null }), { limit: 1 })).toEqualTypeOf<
      Stage<string[]>
    >();
  });

  test('consumers', () => {
    expectTypeOf(toArray(rows, { max: 1 })).toEqualTypeOf<Promise<Row[]>>();
    expectTypeOf(reduce(rows, (n, r) => n + r.id, 0)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(forEach(rows, () => {})).toEqualTypeOf<Promise<void>>();
    expectTypeOf(toReadable(rows)).toEqualTypeOf<Readable>();
  });

  test('a stage is an AsyncGenerator and AsyncDisposable', () => {
    expectTypeOf(chunk(rows, 1)).toMatchTypeOf<AsyncGenerator<Row[], undefined, unknown>>();
    expectTypeOf(chunk(rows, 1)).toMatchTypeOf<AsyncDisposable>();
    expectTypeOf(chunk(rows, 1).stats()).toMatchTypeOf<Readonly<Record<string, number>>>();
  });

  test('every optional option takes `T | undefined` (exactOptionalPropertyTypes), not only a missing key', () => {
    const n = undefined as number | undefined;
    const b = undefined as boolean | undefined;
    const signal = undefined as AbortSignal | undefined;
    const name = undefined as string | undefined;
    // Built, never read: type checking is the test (this file compiles under exactOptionalPropertyTypes).
    void (() => {
      chunk(rows, { size: 1, maxBytes: n, maxWaitMs: n, sizeOf: undefined, signal, name });
      mapConcurrent(rows, (r) => r, { concurrency: 1, ordered: b, signal, name });
      flatMap(rows, (r) => [r], { concurrency: n, signal, name });
      merge([rows], { concurrency: n, signal, name });
      paginate(async () => ({ items: [1], next: null }), { limit: 1, maxPages: n, signal, name });
      void forEach(rows, () => {}, { concurrency: n, signal, name });
      void toArray(rows, { max: 1, signal, name });
      toReadable(rows, { highWaterMark: n, objectMode: b, signal, name });
      from(rows, { signal, name });
    });
  });

  test('bounds are required by the types too', () => {
    // @ts-expect-error toArray needs { max }
    void (() => toArray(rows));
    // @ts-expect-error mapConcurrent needs { concurrency }
    void (() => mapConcurrent(rows, (r) => r));
    // @ts-expect-error paginate needs { limit }
    void (() => paginate(async () => ({ items: [], next: null }), {}));
  });
});
