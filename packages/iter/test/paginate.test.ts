import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { paginate, take, toArray } from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { range } from './helpers.js';

/** A keyset table of `total` rows: ids 1..total. */
function table(total: number) {
  const calls: { cursor: number | undefined; limit: number }[] = [];
  const fetchPage = async (cursor: number | undefined, { limit }: { limit: number }) => {
    calls.push({ cursor, limit });
    const after = cursor ?? 0;
    const items = range(Math.max(0, Math.min(limit, total - after))).map((i) => ({ id: after + i + 1 }));
    return { items, next: items.length === limit ? items[items.length - 1]!.id : undefined };
  };
  return { fetchPage, calls };
}

describe('paginate', () => {
  test('yields every item of every page, passing the last key as the cursor', async () => {
    const t = table(23);
    const rows = await toArray(paginate(t.fetchPage, { limit: 10 }), { max: 100 });
    expect(rows.map((r) => r.id)).toEqual(range(23).map((i) => i + 1));
    expect(t.calls).toEqual([
      { cursor: undefined, limit: 10 },
      { cursor: 10, limit: 10 },
      { cursor: 20, limit: 10 },
    ]);
  });

  test('paginate.pages yields whole pages', async () => {
    const t = table(25);
    const pages = await toArray(paginate.pages(t.fetchPage, { limit: 10 }), { max: 10 });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
  });

  test('an exact multiple ends on an empty last page', async () => {
    const t = table(20);
    expect(await toArray(paginate(t.fetchPage, { limit: 10 }), { max: 100 })).toHaveLength(20);
    expect(t.calls).toHaveLength(3);
  });

  test('stopping early fetches no further page', async () => {
    const t = table(1000);
    expect(await toArray(take(paginate(t.fetchPage, { limit: 10 }), 15), { max: 15 })).toHaveLength(15);
    expect(t.calls).toHaveLength(2);
  });

  test('maxPages: more pages than allowed fails with ERR_OUT_OF_RANGE instead of truncating', async () => {
    const t = table(100);
    const error = await toArray(paginate(t.fetchPage, { limit: 10, maxPages: 3 }), { max: 1000 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(error).toMatchObject({ code: 'ERR_OUT_OF_RANGE', limit: 3 });
    expect(error.message).toBe('Expected `pages` to be at most 3 (`options.maxPages`), got `4` (number)');
    expect(t.calls).toHaveLength(3);
    // exactly maxPages pages is fine
    expect(
      await toArray(paginate(table(25).fetchPage, { limit: 10, maxPages: 3 }), { max: 100 }),
    ).toHaveLength(25);
  });

  test('a page larger than limit, or not shaped { items, next }, fails with ERR_INVALID_RETURN_VALUE', async () => {
    await expect(
      toArray(
        paginate(async () => ({ items: range(11), next: undefined }), { limit: 10 }),
        { max: 100 },
      ),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_RETURN_VALUE',
      message: expect.stringContaining('`limit` (10)'),
    });
    await expect(
      toArray(
        paginate(async () => ({ rows: [] }) as never, { limit: 10 }),
        { max: 100 },
      ),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_RETURN_VALUE' });
    await expect(
      toArray(
        paginate(() => null as never, { limit: 10 }),
        { max: 100 },
      ),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_RETURN_VALUE' });
  });

  test('a cursor that does not advance fails with ERR_CURSOR_REPEATED rather than looping forever', async () => {
    await expect(
      toArray(
        paginate(async () => ({ items: [1], next: 'same' }), { limit: 10 }),
        { max: 100 },
      ),
    ).rejects.toMatchObject({ code: 'ERR_CURSOR_REPEATED' });
  });

  test('a fetch error surfaces once; a synchronous throw too', async () => {
    const stage = paginate(
      async () => {
        throw new Error('db down');
      },
      { limit: 10 },
    );
    await expect(stage.next()).rejects.toThrow('db down');
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    const sync = paginate(
      () => {
        throw new Error('sync');
      },
      { limit: 10 },
    );
    await expect(sync.next()).rejects.toThrow('sync');
  });

  test('publishes a page event on leakproof:iter:page', async () => {
    const events: unknown[] = [];
    const listener = (message: unknown) => events.push(message);
    subscribe('leakproof:iter:page', listener);
    try {
      await toArray(paginate(table(15).fetchPage, { limit: 10, name: 'orders' }), { max: 100 });
    } finally {
      unsubscribe('leakproof:iter:page', listener);
    }
    expect(events).toEqual([
      { name: 'orders', page: 1, items: 10, last: false },
      { name: 'orders', page: 2, items: 5, last: true },
    ]);
  });
});
