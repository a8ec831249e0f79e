// Regression tests for faults found by attacking the pool: each is named after the behaviour
// it pins down.
import { createPool } from '@leakproof/pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkBooks, controlledFactory, flush } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('maxLifetimeMs', () => {
  it('rejects 0: a lifetime starts at 1 ms', () => {
    const c = controlledFactory();
    expect(() => createPool(c.factory, { max: 1, maxLifetimeMs: 0 })).toThrow(
      expect.objectContaining({
        code: 'ERR_OUT_OF_RANGE',
        message: expect.stringContaining('options.maxLifetimeMs'),
      }),
    );
  });

  it('the shortest lifetime with a synchronous create never spins: each acquire settles', async () => {
    let creates = 0;
    const pool = createPool(
      {
        create: () => ({ id: ++creates }),
        destroy: () => {},
      },
      { max: 1, maxLifetimeMs: 1, idleTimeoutMs: Number.POSITIVE_INFINITY },
    );
    for (let i = 0; i < 20; i++) {
      const id = await pool.use((r) => r.id);
      expect(id).toBeGreaterThan(0);
    }
    // A resource serves at least its first loan: never more creates than acquires.
    expect(creates).toBeLessThanOrEqual(20);
    expect(pool.stats().acquired).toBe(20);
    await pool.close();
  });
});

describe('maxWaiting', () => {
  it('bounds the waiting queue even while create keeps failing: at most maxWaiting + max wait', async () => {
    const c = controlledFactory();
    c.createMode = 'reject';
    const pool = createPool(c.factory, { max: 2, maxWaiting: 5, acquireTimeoutMs: Number.POSITIVE_INFINITY });
    const outcomes = Array.from({ length: 100 }, () =>
      pool.acquire().then(
        () => 'lent',
        (e: { code?: string }) => e.code,
      ),
    );
    await flush();
    expect(pool.stats().pending).toBeLessThanOrEqual(7);
    await pool.close();
    const codes = await Promise.all(outcomes);
    expect(codes.filter((c) => c === 'ERR_POOL_BUSY').length).toBeGreaterThanOrEqual(93);
    expect(codes.filter((c) => c === 'lent')).toEqual([]);
  });
});

describe('idleTimeoutMs: 0', () => {
  it('destroys a resource beyond min as soon as it is idle, and arms no timer loop over the ones kept for min', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 3, min: 2, idleTimeoutMs: 0 });
    await pool.ready();
    const leases = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const l of leases) l.release();
    await vi.advanceTimersByTimeAsync(5);
    expect(pool.stats()).toMatchObject({ available: 2, size: 2, destroyed: 1 });
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    await vi.advanceTimersByTimeAsync(500);
    expect(setTimeoutSpy).not.toHaveBeenCalled();
    expect(pool.stats()).toMatchObject({ available: 2, destroyed: 1 });
    await pool.close();
  });
});

describe('hardIdleTimeoutMs', () => {
  it('recycles idle resources even below min, then refills min', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2, min: 2, hardIdleTimeoutMs: 1000 });
    await pool.ready();
    expect(pool.stats()).toMatchObject({ available: 2, created: 2 });
    await vi.advanceTimersByTimeAsync(1002);
    expect(pool.stats()).toMatchObject({ available: 2, created: 4, destroyed: 2 });
    checkBooks(pool.stats());
    await pool.close();
  });

  it('leaves a borrowed resource alone and counts idle time from its return', async () => {
    vi.useFakeTimers();
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, hardIdleTimeoutMs: 1000 });
    const lease = await pool.acquire();
    await vi.advanceTimersByTimeAsync(5000);
    expect(lease.resource.destroyed).toBe(false);
    lease.release();
    await vi.advanceTimersByTimeAsync(900);
    expect(pool.stats()).toMatchObject({ available: 1, destroyed: 0 });
    await vi.advanceTimersByTimeAsync(200);
    expect(pool.stats()).toMatchObject({ available: 0, destroyed: 1 });
    await pool.close();
  });

  it('rejects 0 (it would be a create–destroy loop)', () => {
    const c = controlledFactory();
    expect(() => createPool(c.factory, { max: 1, hardIdleTimeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });
});

describe('hooks and signals cannot corrupt the counts', () => {
  it('a destroy that throws, a validate that throws and aborted waiters leave the books adding up', async () => {
    const c = controlledFactory(true);
    const pool = createPool(c.factory, { max: 2, acquireTimeoutMs: 1000 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    c.validateMode = 'throw';
    c.destroyMode = 'throw';
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal }).catch((e: { code?: string }) => e.code);
    controller.abort();
    expect(await waiting).toBe('ABORT_ERR');
    a.release();
    await b.destroy();
    checkBooks(pool.stats());
    // The idle one fails its (throwing) validate and is destroyed by a throwing destroy; a new one is lent.
    const d = await pool.acquire();
    expect(d.resource.id).toBe(3);
    checkBooks(pool.stats());
    d.release();
    await pool.close();
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0, pending: 0, validating: 0 });
  });
});

describe('options of acquire, use and close', () => {
  it('reject unknown keys with a hint, before anything is queued', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await expect(pool.acquire({ timeout: 100 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('use `options.timeoutMs`'),
    });
    await expect(pool.use(() => 1, { destroyOnErr: true } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('`options.destroyOnError`'),
    });
    expect(await pool.use(() => 2, { destroyOnError: true, timeoutMs: 100 })).toBe(2);
    expect(() => pool.close({ timeout: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(pool.stats()).toMatchObject({ pending: 0, borrowed: 0 });
    await pool.close();
  });
});
