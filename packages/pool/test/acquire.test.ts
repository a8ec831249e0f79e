import { getEventListeners } from 'node:events';
import { createPool } from '@leakproof/pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkBooks, controlledFactory, flush, track } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('acquire', () => {
  it('creates on demand and reuses a released resource', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    const a = await pool.acquire();
    const first = a.resource;
    a.release();
    const b = await pool.acquire();
    expect(b.resource).toBe(first);
    expect(c.creates).toBe(1);
    b.release();
    await pool.close();
  });

  it('never has more than max resources and serves waiters first come, first served', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) =>
      pool.acquire().then((lease) => {
        order.push(n);
        return lease;
      }),
    );
    await flush();
    expect(pool.stats()).toMatchObject({ size: 2, borrowed: 2, pending: 3 });
    expect(c.creates).toBe(2);
    a.release();
    const l1 = await waiting[0]!;
    b.release();
    const l2 = await waiting[1]!;
    l1.release();
    const l3 = await waiting[2]!;
    expect(order).toEqual([1, 2, 3]);
    expect(c.peak).toBe(2);
    l2.release();
    l3.release();
    checkBooks(pool.stats());
    await pool.close();
  });

  it('lends the most recently returned idle resource first by default (lifo)', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const [ra, rb] = [a.resource, b.resource];
    a.release();
    b.release();
    const next = await pool.acquire();
    expect(next.resource).toBe(rb);
    expect(next.resource).not.toBe(ra);
    next.release();
    await pool.close();
  });

  it("lends the longest-idle resource first with order: 'fifo'", async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2, order: 'fifo' });
    const a = await pool.acquire();
    const b = await pool.acquire();
    const ra = a.resource;
    a.release();
    b.release();
    const next = await pool.acquire();
    expect(next.resource).toBe(ra);
    next.release();
    await pool.close();
  });

  it('rejects at once with ERR_POOL_BUSY past maxWaiting, leaving nothing behind', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, maxWaiting: 1 });
    const held = await pool.acquire();
    const waiting = track(pool.acquire());
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'ERR_POOL_BUSY', name: 'LeakproofError' });
    expect(pool.stats().pending).toBe(1);
    held.release();
    await flush();
    expect(waiting.settled).toBe(true);
    (waiting.value as { release(): void }).release();
    await pool.close();
  });

  it('rejects with ERR_POOL_TIMEOUT after acquireTimeoutMs and clears its timer', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, acquireTimeoutMs: 100, idleTimeoutMs: Infinity });
    const held = await pool.acquire();
    const waiting = track(pool.acquire());
    const perCall = track(pool.acquire({ timeoutMs: 50 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(perCall.error).toMatchObject({ code: 'ERR_POOL_TIMEOUT', timeoutMs: 50, name: 'TimeoutError' });
    expect(waiting.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(50);
    expect(waiting.error).toMatchObject({ code: 'ERR_POOL_TIMEOUT', timeoutMs: 100 });
    expect((waiting.error as Error).cause).toBeUndefined();
    expect(pool.stats()).toMatchObject({ pending: 0, acquireTimeouts: 2 });
    expect(vi.getTimerCount()).toBe(0);
    held.release();
    await pool.close();
  });

  it('times out each waiter at its own deadline, mixing default and per-call timeouts', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, acquireTimeoutMs: 100, idleTimeoutMs: Infinity });
    const held = await pool.acquire();
    const a = track(pool.acquire()); // due at 100
    await vi.advanceTimersByTimeAsync(30);
    const b = track(pool.acquire()); // due at 130
    const perCall = track(pool.acquire({ timeoutMs: 40 })); // due at 70
    await vi.advanceTimersByTimeAsync(30);
    const d = track(pool.acquire()); // due at 160
    await vi.advanceTimersByTimeAsync(9); // t = 69
    expect([a, b, perCall, d].map((t) => t.settled)).toEqual([false, false, false, false]);
    await vi.advanceTimersByTimeAsync(1); // 70
    expect([a, b, perCall, d].map((t) => t.settled)).toEqual([false, false, true, false]);
    await vi.advanceTimersByTimeAsync(29); // 99
    expect(a.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // 100
    expect([a, b, d].map((t) => t.settled)).toEqual([true, false, false]);
    held.release(); // b is served: d's deadline stays armed
    await vi.advanceTimersByTimeAsync(0);
    expect(b.value).toBeDefined();
    await vi.advanceTimersByTimeAsync(59); // 159
    expect(d.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // 160
    expect(d.error).toMatchObject({ code: 'ERR_POOL_TIMEOUT', timeoutMs: 100 });
    expect(pool.stats()).toMatchObject({ pending: 0, acquireTimeouts: 3 });
    expect(vi.getTimerCount()).toBe(0);
    (b.value as { release(): void }).release();
    await pool.close();
  });

  it('served waiters leave no timer behind', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, idleTimeoutMs: Infinity });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    expect(vi.getTimerCount()).toBe(1);
    held.release();
    (await waiting).release();
    expect(vi.getTimerCount()).toBe(0);
    await pool.close();
  });

  it('rejects with an AbortError when the signal aborts, and removes its listener', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(pool.stats().pending).toBe(0);
    // a served waiter's listener goes too
    const other = new AbortController();
    const served = pool.acquire({ signal: other.signal });
    held.release();
    (await served).release();
    expect(getEventListeners(other.signal, 'abort')).toHaveLength(0);
    await pool.close();
  });

  it('rejects at once for an already-aborted signal', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await expect(pool.acquire({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(c.creates).toBe(0);
    await pool.close();
  });

  it('serves lower priority numbers first', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, priorityRange: 3 });
    const held = await pool.acquire();
    const order: number[] = [];
    const all = [2, 1, 0, 1].map((priority, i) =>
      pool.acquire({ priority }).then((lease) => {
        order.push(i);
        lease.release();
      }),
    );
    held.release();
    await Promise.all(all);
    expect(order).toEqual([2, 1, 3, 0]);
    await pool.close();
  });

  it('keeps its books: size = available + borrowed + validating + creating + destroying', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 3, min: 1 });
    await pool.ready();
    checkBooks(pool.stats());
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    checkBooks(pool.stats());
    expect(pool.stats()).toMatchObject({ size: 3, borrowed: 3, available: 0, created: 3, acquired: 3 });
    for (const l of leases) l.release();
    expect(pool.stats()).toMatchObject({ size: 3, borrowed: 0, available: 3 });
    await pool.close();
    expect(pool.stats()).toMatchObject({ size: 0, destroyed: 3 });
  });
});
