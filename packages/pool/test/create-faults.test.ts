import { createPool } from '@leakproof/pool';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkBooks, controlledFactory, type Mode, track } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const retry = { minDelayMs: 100, maxDelayMs: 1000, factor: 2 };

describe.each<Mode>(['throw', 'reject'])('a create that fails (%s)', (mode) => {
  it('backs off instead of looping, and the acquire rejects with the cause within its timeout', async () => {
    const c = controlledFactory();
    c.createMode = mode;
    const pool = createPool(c.factory, { max: 4, acquireTimeoutMs: 2000, createRetry: retry });
    const acquires = [track(pool.acquire()), track(pool.acquire()), track(pool.acquire())];
    await vi.advanceTimersByTimeAsync(0);
    // the first wave (one per waiter) failed; nothing more until the backoff elapses
    expect(c.creates).toBe(3);
    await vi.advanceTimersByTimeAsync(49);
    expect(c.creates).toBe(3);
    checkBooks(pool.stats());
    await vi.advanceTimersByTimeAsync(1950);
    expect(acquires.every((a) => !a.settled)).toBe(true);
    // then one probe at a time, each after a longer delay (capped at 1 s): a handful in 2 s, not a hot loop
    expect(c.creates).toBeGreaterThanOrEqual(4);
    expect(c.creates).toBeLessThanOrEqual(8);
    await vi.advanceTimersByTimeAsync(1);
    for (const a of acquires) {
      expect(a.error).toMatchObject({ code: 'ERR_POOL_TIMEOUT' });
      expect((a.error as Error).cause).toBeInstanceOf(Error);
      expect(((a.error as Error).cause as Error).message).toMatch(/create failed/);
    }
    expect(pool.stats()).toMatchObject({ pending: 0, size: 0, acquireTimeouts: 3, createErrors: c.creates });
    await pool.close();
  });

  it('ready() rejects with the create error, and min is refilled once create recovers', async () => {
    const c = controlledFactory();
    c.createMode = mode;
    const pool = createPool(c.factory, { max: 4, min: 2, createRetry: retry });
    const ready = track(pool.ready());
    await vi.advanceTimersByTimeAsync(0);
    expect(ready.error).toBeInstanceOf(Error);
    expect((ready.error as Error).message).toMatch(/create failed/);
    await vi.advanceTimersByTimeAsync(300);
    expect(pool.stats().size).toBe(0);
    c.createMode = 'ok';
    await vi.advanceTimersByTimeAsync(1000);
    expect(pool.stats()).toMatchObject({ size: 2, available: 2 });
    await expect(pool.ready()).resolves.toBeUndefined();
    await pool.close();
  });

  it('serves waiting acquires once create recovers', async () => {
    const c = controlledFactory();
    c.createMode = mode;
    const pool = createPool(c.factory, { max: 2, createRetry: retry });
    const a = track(pool.acquire());
    const b = track(pool.acquire());
    await vi.advanceTimersByTimeAsync(250);
    c.createMode = 'ok';
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.value).toBeDefined();
    expect(b.value).toBeDefined();
    expect(pool.stats()).toMatchObject({ borrowed: 2, size: 2 });
    await pool.close({ timeoutMs: 0 });
  });
});

describe('a create that never settles', () => {
  it('is abandoned after createTimeoutMs with its signal aborted, and counts as a create error', async () => {
    const c = controlledFactory();
    c.createMode = 'hang';
    const pool = createPool(c.factory, {
      max: 2,
      createTimeoutMs: 100,
      acquireTimeoutMs: 1000,
      createRetry: retry,
    });
    const a = track(pool.acquire());
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.stats()).toMatchObject({ creating: 1, size: 1 });
    expect(c.creates).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(c.signals[0]!.aborted).toBe(true);
    expect(c.signals[0]!.reason).toMatchObject({ code: 'ERR_POOL_CREATE_TIMEOUT' });
    expect(pool.stats()).toMatchObject({ creating: 0, createErrors: 1 });
    await vi.advanceTimersByTimeAsync(900);
    expect(a.error).toMatchObject({ code: 'ERR_POOL_TIMEOUT' });
    expect((a.error as Error).cause).toMatchObject({ code: 'ERR_POOL_CREATE_TIMEOUT' });
    // resources that arrive after the pool gave up are destroyed at once
    // (a retry may be in flight and legitimately become an idle resource)
    c.resolveHungCreates();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.alive).toBe(pool.stats().available);
    await pool.close();
    expect(c.alive).toBe(0);
  });

  it('never lets creates in flight exceed max', async () => {
    const c = controlledFactory();
    c.createMode = 'hang';
    const pool = createPool(c.factory, { max: 3, createTimeoutMs: Infinity, acquireTimeoutMs: 50 });
    for (let i = 0; i < 10; i++) track(pool.acquire());
    await vi.advanceTimersByTimeAsync(0);
    expect(c.creatingNow).toBe(3);
    checkBooks(pool.stats());
    await vi.advanceTimersByTimeAsync(50);
    expect(pool.stats()).toMatchObject({ pending: 0, creating: 3 });
    c.resolveHungCreates();
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.stats()).toMatchObject({ available: 3, size: 3 });
    await pool.close();
    expect(c.alive).toBe(0);
  });
});
