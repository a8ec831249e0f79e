import { chunk, toArray } from '@leakproof/iter';
import { describe, expect, test, vi } from 'vitest';
import { deferred, probe, range, settle, sleep } from './helpers.js';

describe('chunk', () => {
  test('batches by count; the last batch is partial', async () => {
    expect(await toArray(chunk(range(7), 3), { max: 10 })).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await toArray(chunk(probe(range(6)).source, { size: 2 }), { max: 10 })).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(await toArray(chunk([], 3), { max: 10 })).toEqual([]);
  });

  test('batches by bytes: a batch never exceeds maxBytes; a larger item travels alone', async () => {
    const items = ['aaaa', 'bb', 'cccccc', 'dddddddddddd', 'e', 'f'];
    const batches = await toArray(chunk(items, { size: 100, maxBytes: 8 }), { max: 10 });
    expect(batches).toEqual([['aaaa', 'bb'], ['cccccc'], ['dddddddddddd'], ['e', 'f']]);
  });

  test('maxBytes counts UTF-8 bytes of strings and byteLength of buffers by default', async () => {
    // 'é' is 2 bytes in UTF-8
    expect(await toArray(chunk(['éé', 'é', 'a'], { size: 10, maxBytes: 4 }), { max: 10 })).toEqual([
      ['éé'],
      ['é', 'a'],
    ]);
    const bufs = [Buffer.alloc(3), Buffer.alloc(3), new Uint8Array(3)];
    expect((await toArray(chunk(bufs, { size: 10, maxBytes: 6 }), { max: 10 })).map((b) => b.length)).toEqual(
      [2, 1],
    );
  });

  test('sizeOf counts other items; count and bytes limits both apply', async () => {
    const rows = range(10).map((id) => ({ id, bytes: id % 2 === 0 ? 10 : 30 }));
    const batches = await toArray(chunk(rows, { size: 3, maxBytes: 50, sizeOf: (r) => r.bytes }), {
      max: 20,
    });
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(3);
      expect(batch.reduce((n, r) => n + r.bytes, 0)).toBeLessThanOrEqual(50);
    }
    expect(batches.flat().map((r) => r.id)).toEqual(range(10));
  });

  test('an item the default sizeOf cannot measure fails the stage with ERR_INVALID_ARG_TYPE', async () => {
    const p = probe<unknown>([1, 2]);
    await expect(toArray(chunk(p.source, { size: 10, maxBytes: 4 }), { max: 10 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(p.closed()).toBe(1);
  });

  test('sizeOf returning a negative or non-number fails the stage', async () => {
    await expect(
      toArray(chunk([1], { size: 10, maxBytes: 4, sizeOf: () => -1 }), { max: 10 }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  test('maxWaitMs flushes a partial batch when the source is slow (fake timers)', async () => {
    vi.useFakeTimers();
    try {
      const gate = deferred();
      const p = probe(range(10), { before: (i) => (i === 2 ? gate.promise : undefined) });
      const stage = chunk(p.source, { size: 5, maxWaitMs: 1000 });
      const first = stage.next();
      await vi.advanceTimersByTimeAsync(999);
      let settled = false;
      void first.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(0);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await first).toEqual({ done: false, value: [0, 1] });
      gate.resolve();
      expect(await stage.next()).toEqual({ done: false, value: [2, 3, 4, 5, 6] });
      expect(await stage.next()).toEqual({ done: false, value: [7, 8, 9] });
      expect(await stage.next()).toEqual({ done: true, value: undefined });
    } finally {
      vi.useRealTimers();
    }
  });

  test('maxWaitMs: a batch whose wait expired while nobody asked is handed out at once', async () => {
    vi.useFakeTimers();
    try {
      const gate = deferred();
      const p = probe(range(10), { before: (i) => (i === 1 ? gate.promise : undefined) });
      const stage = chunk(p.source, { size: 5, maxWaitMs: 10 });
      const first = stage.next();
      await vi.advanceTimersByTimeAsync(10);
      expect(await first).toEqual({ done: false, value: [0] });
      gate.resolve(); // item 1 arrives while nobody is asking: a batch of one, its wait armed
      await vi.advanceTimersByTimeAsync(10); // ...and expired
      expect(p.pulled()).toBe(2);
      expect(await stage.next()).toEqual({ done: false, value: [1] });
      await stage.return(undefined);
      expect(p.closed()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  test('no timer is left armed after close', async () => {
    const p = probe(range(10), { before: (i) => (i === 1 ? sleep(30) : undefined) });
    const stage = chunk(p.source, { size: 5, maxWaitMs: 10_000 });
    const pending = stage.next();
    await settle();
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await stage.return(undefined);
    expect(await pending).toEqual({ done: true, value: undefined });
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after).toBeLessThan(before);
  });

  test('the flush timer keeps the process alive only while a next() waits for it', async () => {
    // Timers that hold the event loop open; unref'd ones are not listed.
    const refTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = refTimers();
    const gate = deferred();
    async function* source() {
      yield 'ab';
      yield 'cd'; // over maxBytes: 'ab' goes out, 'cd' starts a batch with its flush armed
      await gate.promise;
    }
    const stage = chunk(source(), { size: 10, maxBytes: 3, maxWaitMs: 60_000 });
    expect((await stage.next()).value).toEqual(['ab']);
    expect(stage.stats().buffered).toBe(1);
    expect(refTimers()).toBe(before); // armed, nobody waiting
    const next = stage.next();
    expect(refTimers()).toBe(before + 1); // a next() waits on it
    const closing = stage.return(undefined);
    expect(refTimers()).toBe(before); // closing clears it at once
    gate.resolve(); // the source's pending read ends, so its return() can run
    await closing;
    await expect(next).resolves.toEqual({ done: true, value: undefined });
  });

  test('a synchronous source fills a batch in one go and is closed on early stop', async () => {
    let returned = 0;
    const source: Iterable<number> = {
      [Symbol.iterator]() {
        let i = 0;
        return {
          next: () => ({ done: false, value: i++ }),
          return: () => {
            returned++;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const stage = chunk(source, 4);
    expect(await stage.next()).toEqual({ done: false, value: [0, 1, 2, 3] });
    await stage.return(undefined);
    expect(returned).toBe(1);
  });

  test('stats report what is held', async () => {
    const stage = chunk(range(10), { size: 4, name: 'rows' });
    await stage.next();
    expect(stage.name).toBe('rows');
    expect(stage.stats()).toMatchObject({ yielded: 1, pulled: 4, buffered: 0 });
  });
});
