import { createPool } from '@leakproof/pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { controlledFactory, track } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('close()', () => {
  it('rejects waiters, new acquires and ready() with ERR_POOL_CLOSED', async () => {
    const c = controlledFactory();
    c.createMode = 'hang';
    const pool = createPool(c.factory, { max: 1, min: 1 });
    const ready = track(pool.ready());
    const waiter = track(pool.acquire());
    const closing = pool.close();
    await closing;
    expect(waiter.error).toMatchObject({ code: 'ERR_POOL_CLOSED' });
    expect(ready.error).toMatchObject({ code: 'ERR_POOL_CLOSED' });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
    await expect(pool.use(() => 1)).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
    await expect(pool.ready()).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
    expect(pool.closed).toBe(true);
    // the hung create was abandoned with its signal aborted; its late resource is destroyed
    expect(c.signals[0]!.aborted).toBe(true);
    c.resolveHungCreates();
    await vi.waitFor(() => expect(c.alive).toBe(0));
  });

  it('waits for borrowed leases, then destroys everything', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    b.release();
    const closed = track(pool.close({ timeoutMs: Infinity }));
    await new Promise((r) => setTimeout(r, 10));
    expect(closed.settled).toBe(false);
    expect(c.destroys).toBe(1); // the idle one at once
    a.release();
    await closed.promise;
    expect(c.destroys).toBe(2);
    expect(c.alive).toBe(0);
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0 });
  });

  it('resolves by its timeout and destroys borrowed resources', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    const a = await pool.acquire();
    const closed = track(pool.close({ timeoutMs: 500 }));
    await vi.advanceTimersByTimeAsync(499);
    expect(closed.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(closed.settled).toBe(true);
    expect(a.ended).toBe(true);
    expect(c.alive).toBe(0);
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0 });
    a.release(); // late release is harmless
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0 });
  });

  it('is idempotent', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const first = pool.close();
    expect(pool.close()).toBe(first);
    await first;
    await pool[Symbol.asyncDispose]();
  });

  it('leaves no timer behind', async () => {
    vi.useFakeTimers();
    const c = controlledFactory(true);
    const pool = createPool(c.factory, {
      max: 2,
      min: 1,
      idleTimeoutMs: 1000,
      maxLifetimeMs: 5000,
      leakDetectionMs: 1000,
      acquireTimeoutMs: 1000,
    });
    await vi.advanceTimersByTimeAsync(0);
    const held = await pool.acquire(); // leak-detection timer
    const held2 = await pool.acquire();
    held2.release(); // idle: housekeeping timer
    const held3 = await pool.acquire();
    const waiter = track(pool.acquire()); // waiter timer
    c.createMode = 'reject';
    await held3.destroy(); // the waiter needs a create, which fails: backoff timer
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBeGreaterThanOrEqual(3);
    await pool.close({ timeoutMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
    expect(waiter.error).toMatchObject({ code: 'ERR_POOL_CLOSED' });
    expect(held.ended).toBe(true);
  });

  it('leaves no timer behind when it interrupts a validate', async () => {
    vi.useFakeTimers();
    const c = controlledFactory(true);
    const pool = createPool(c.factory, { max: 1, validateTimeoutMs: 10_000, idleTimeoutMs: Infinity });
    (await pool.acquire()).release();
    c.validateMode = 'hang';
    const waiter = track(pool.acquire({ timeoutMs: Infinity }));
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.stats().validating).toBe(1);
    expect(vi.getTimerCount()).toBe(1);
    await pool.close({ timeoutMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
    expect(waiter.error).toMatchObject({ code: 'ERR_POOL_CLOSED' });
    expect(pool.stats()).toMatchObject({ size: 0, validating: 0 });
  });

  it('rejects bad close options', () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    expect(() => pool.close({ timeoutMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => pool.close('soon' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(pool.closed).toBe(false);
    return pool.close();
  });
});
