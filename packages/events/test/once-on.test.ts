import { getEventListeners } from 'node:events';
import { EventBufferOverflowError, EventEmitter, on, once } from '@leakproof/events';
import { describe, expect, it, vi } from 'vitest';

const listenerTotal = (e: EventEmitter) => e.stats().listeners;

describe('once(emitter, event, { timeout })', () => {
  it('rejects with ERR_ONCE_TIMEOUT and leaves no listener or timer', async () => {
    vi.useFakeTimers();
    try {
      const e = new EventEmitter();
      const p = once(e, 'ready', { timeout: 50 });
      expect(listenerTotal(e)).toBe(2);
      vi.advanceTimersByTime(50);
      await expect(p).rejects.toMatchObject({
        code: 'ERR_ONCE_TIMEOUT',
        name: 'TimeoutError',
        timeoutMs: 50,
      });
      expect(listenerTotal(e)).toBe(0);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('clears its timer and the signal listener when the event comes first', async () => {
    vi.useFakeTimers();
    try {
      const e = new EventEmitter();
      const ac = new AbortController();
      const p = once(e, 'ready', { timeout: 1000, signal: ac.signal });
      e.emit('ready', 42);
      await expect(p).resolves.toEqual([42]);
      expect(vi.getTimerCount()).toBe(0);
      expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
      expect(listenerTotal(e)).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("removes the event listener when adding the 'error' listener fails", async () => {
    const e = new EventEmitter({ listenerLimit: 1 });
    e.on('error', () => {});
    await expect(once(e, 'ready')).rejects.toMatchObject({ code: 'ERR_LISTENER_LIMIT' });
    expect(e.listenerCount('ready')).toBe(0);
  });

  it('validates timeout and signal', async () => {
    const e = new EventEmitter();
    await expect(once(e, 'x', { timeout: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(once(e, 'x', { timeout: '1' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(once(e, 'x', { signal: {} as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(once({} as never, 'x')).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(listenerTotal(e)).toBe(0);
  });
});

describe('on(emitter, event, { highWaterMark, overflow })', () => {
  it("bounds the buffer: 'error' (default) ends the iteration with ERR_EVENT_BUFFER_OVERFLOW", async () => {
    const e = new EventEmitter();
    const it = on(e, 'data', { highWaterMark: 3 });
    for (let i = 0; i < 4; i++) e.emit('data', i);
    expect(listenerTotal(e)).toBe(0);
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const [v] of it) seen.push(v);
      })(),
    ).rejects.toBeInstanceOf(EventBufferOverflowError);
    // Events buffered before the overflow are delivered first, then the error (as node:events
    // does with an 'error' event).
    expect(seen).toEqual([0, 1, 2]);
  });

  it('the default bound is 1024 events', async () => {
    const e = new EventEmitter();
    const it = on(e, 'data');
    for (let i = 0; i < 1024; i++) e.emit('data', i);
    expect(listenerTotal(e)).toBe(2);
    e.emit('data', 1024);
    expect(listenerTotal(e)).toBe(0);
    for (let i = 0; i < 1024; i++) expect((await it.next()).value).toEqual([i]);
    await expect(it.next()).rejects.toMatchObject({ code: 'ERR_EVENT_BUFFER_OVERFLOW' });
    expect((await it.next()).done).toBe(true);
  });

  it("'drop-oldest' keeps the newest events, 'drop-newest' the oldest", async () => {
    const e = new EventEmitter();
    const oldest = on(e, 'data', { highWaterMark: 2, overflow: 'drop-oldest' });
    const newest = on(e, 'data', { highWaterMark: 2, overflow: 'drop-newest' });
    for (let i = 0; i < 5; i++) e.emit('data', i);
    const take = async (it: AsyncIterableIterator<unknown[]>) => [
      (await it.next()).value,
      (await it.next()).value,
    ];
    expect(await take(oldest)).toEqual([[3], [4]]);
    expect(await take(newest)).toEqual([[0], [1]]);
    await oldest.return?.();
    await newest.return?.();
    expect(listenerTotal(e)).toBe(0);
  });

  it('hands events straight to waiting consumers without buffering', async () => {
    const e = new EventEmitter();
    const it = on(e, 'data', { highWaterMark: 1 });
    const a = it.next();
    const b = it.next();
    e.emit('data', 'a');
    e.emit('data', 'b');
    e.emit('data', 'c');
    expect((await a).value).toEqual(['a']);
    expect((await b).value).toEqual(['b']);
    expect((await it.next()).value).toEqual(['c']);
    await it.return?.();
  });

  it('is AsyncDisposable', async () => {
    const e = new EventEmitter();
    {
      await using it = on(e, 'data');
      expect(listenerTotal(e)).toBe(2);
      void it;
    }
    expect(listenerTotal(e)).toBe(0);
  });

  it('removes everything it added when an add fails (listener limit)', () => {
    const e = new EventEmitter({ listenerLimit: 1 });
    e.on('error', () => {});
    expect(() => on(e, 'data')).toThrow(expect.objectContaining({ code: 'ERR_LISTENER_LIMIT' }));
    expect(e.listenerCount('data')).toBe(0);
  });

  it('validates its options', () => {
    const e = new EventEmitter();
    expect(() => on(e, 'x', { highWaterMark: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => on(e, 'x', { overflow: 'drop' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => on(e, 'x', { close: 'end' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => on(e, 'x', { signal: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(listenerTotal(e)).toBe(0);
  });

  it('works on an EventTarget', async () => {
    const t = new EventTarget();
    const it = on(t, 'ping');
    t.dispatchEvent(new Event('ping'));
    const first = await it.next();
    expect((first.value as Event[])[0]?.type).toBe('ping');
    await it.return?.();
    expect(getEventListeners(t, 'ping')).toHaveLength(0);
  });
});
