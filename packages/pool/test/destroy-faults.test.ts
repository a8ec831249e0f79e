import { createPool } from '@leakproof/pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkBooks, controlledFactory, track } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('a destroy that fails', () => {
  it.each(['throw', 'reject'] as const)('(%s) is reported and the slot still comes back', async (mode) => {
    const c = controlledFactory();
    c.destroyMode = mode;
    const pool = createPool(c.factory, { max: 1 });
    const lease = await pool.acquire();
    await lease.destroy();
    expect(pool.stats()).toMatchObject({ size: 0, destroyed: 1, destroyErrors: 1 });
    const next = await pool.acquire();
    expect(next.resource.id).toBe(2);
    next.release();
    c.destroyMode = 'ok';
    await pool.close();
  });
});

describe('a destroy that hangs', () => {
  it('is bounded by destroyTimeoutMs, and counts against max while in flight', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    c.destroyMode = 'hang';
    const pool = createPool(c.factory, { max: 1, destroyTimeoutMs: 100, acquireTimeoutMs: 1000 });
    const lease = await pool.acquire();
    const destroyed = track(lease.destroy());
    const next = track(pool.acquire());
    await vi.advanceTimersByTimeAsync(99);
    // the destroy holds the only slot: no new resource yet
    expect(pool.stats()).toMatchObject({ destroying: 1, size: 1, pending: 1, creating: 0 });
    checkBooks(pool.stats());
    expect(c.creates).toBe(1);
    expect(destroyed.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(destroyed.settled).toBe(true);
    expect(destroyed.error).toBeUndefined();
    expect(pool.stats()).toMatchObject({ destroying: 0, destroyErrors: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(next.value).toBeDefined();
    expect(c.creates).toBe(2);
    c.destroyMode = 'ok';
    c.resolveHungDestroys();
    await pool.close({ timeoutMs: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() waits for hung destroys only up to destroyTimeoutMs', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2, destroyTimeoutMs: 200 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    a.release();
    b.release();
    c.destroyMode = 'hang';
    const closed = track(pool.close());
    await vi.advanceTimersByTimeAsync(199);
    expect(closed.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(closed.settled).toBe(true);
    expect(pool.stats()).toMatchObject({ size: 0, destroyErrors: 2 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
