import { createPool } from '@leakproof/pool';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkBooks, controlledFactory } from './helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('idleTimeoutMs', () => {
  it('destroys resources idle for longer, down to min', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 4, min: 1, idleTimeoutMs: 1000 });
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const l of leases) l.release();
    expect(pool.stats().available).toBe(4);
    await vi.advanceTimersByTimeAsync(999);
    expect(pool.stats().available).toBe(4);
    await vi.advanceTimersByTimeAsync(2);
    expect(pool.stats()).toMatchObject({ available: 1, size: 1, destroyed: 3 });
    checkBooks(pool.stats());
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pool.stats()).toMatchObject({ available: 1, size: 1 });
    await pool.close();
  });

  it('does not spin its timer over the resources it keeps for min', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2, min: 2, idleTimeoutMs: 1000 });
    await pool.ready();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pool.stats()).toMatchObject({ available: 2, destroyed: 0 });
    // about one check per idle timeout, not one per millisecond
    expect(setTimeoutSpy.mock.calls.length).toBeLessThanOrEqual(12);
    setTimeoutSpy.mockRestore();
    await pool.close();
  });

  it('keeps a resource that was used recently', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2, idleTimeoutMs: 1000 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    a!.release();
    await vi.advanceTimersByTimeAsync(600);
    b!.release();
    await vi.advanceTimersByTimeAsync(500);
    expect(pool.stats()).toMatchObject({ available: 1, destroyed: 1 });
    await vi.advanceTimersByTimeAsync(600);
    expect(pool.stats()).toMatchObject({ available: 0, destroyed: 2 });
    await pool.close();
  });
});

describe('maxLifetimeMs', () => {
  it('retires resources between 90% and 100% of their lifetime, and refills min', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 10, min: 10, maxLifetimeMs: 10_000, idleTimeoutMs: Infinity });
    await pool.ready();
    await vi.advanceTimersByTimeAsync(8_999);
    expect(pool.stats().destroyed).toBe(0);
    await vi.advanceTimersByTimeAsync(1_002);
    expect(pool.stats().destroyed).toBe(10);
    expect(pool.stats()).toMatchObject({ size: 10, created: 20 });
    await pool.close();
  });

  it('retires a borrowed resource when it comes back, not while in use', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, maxLifetimeMs: 1000, idleTimeoutMs: Infinity });
    const lease = await pool.acquire();
    await vi.advanceTimersByTimeAsync(2000);
    expect(lease.resource.destroyed).toBe(false);
    lease.release();
    await vi.advanceTimersByTimeAsync(0);
    expect(pool.stats()).toMatchObject({ destroyed: 1, size: 0 });
    await pool.close();
  });
});

describe('maxUses', () => {
  it('destroys a resource after that many leases', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, maxUses: 3 });
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await pool.use((r) => r.id));
    expect(ids).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(pool.stats().destroyed).toBe(2);
    await pool.close();
  });
});
