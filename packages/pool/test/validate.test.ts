import { createPool } from '@leakproof/pool';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkBooks, controlledFactory, track } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('validateOnBorrow', () => {
  it('is on by default when the factory has validate, and skips resources fresh from create', async () => {
    const c = controlledFactory(true);
    const pool = createPool(c.factory, { max: 1 });
    (await pool.acquire()).release();
    expect(c.validates).toBe(0);
    (await pool.acquire()).release();
    (await pool.acquire()).release();
    expect(c.validates).toBe(2);
    await pool.close();
  });

  it.each(['false', 'throw', 'reject'] as const)(
    'a validate answering %s destroys the resource and the acquire carries on with another',
    async (mode) => {
      const c = controlledFactory(true);
      const pool = createPool(c.factory, { max: 1 });
      const first = await pool.acquire();
      const firstResource = first.resource;
      first.release();
      c.validateMode = mode;
      const next = pool.acquire();
      const lease = await next;
      expect(c.destroys).toBe(1);
      expect(firstResource.destroyed).toBe(true);
      expect(lease.resource.id).toBe(2);
      expect(pool.stats()).toMatchObject({ validationFailures: 1, borrowed: 1, size: 1 });
      checkBooks(pool.stats());
      lease.release();
      await pool.close();
    },
  );

  it('a validate that hangs is bounded by validateTimeoutMs and counts as invalid', async () => {
    vi.useFakeTimers();
    const c = controlledFactory(true);
    const pool = createPool(c.factory, { max: 1, validateTimeoutMs: 100 });
    (await pool.acquire()).release();
    c.validateMode = 'hang';
    const next = track(pool.acquire());
    await vi.advanceTimersByTimeAsync(50);
    expect(pool.stats()).toMatchObject({ validating: 1, size: 1 });
    checkBooks(pool.stats());
    c.validateMode = 'ok';
    await vi.advanceTimersByTimeAsync(50);
    await vi.advanceTimersByTimeAsync(0);
    expect(next.value).toBeDefined();
    expect(pool.stats()).toMatchObject({ validationFailures: 1, borrowed: 1 });
    await pool.close({ timeoutMs: 0 });
  });

  it('can be turned off, and validateOnReturn checks on release instead', async () => {
    const c = controlledFactory(true);
    const pool = createPool(c.factory, { max: 1, validateOnBorrow: false, validateOnReturn: true });
    const lease = await pool.acquire();
    expect(c.validates).toBe(0);
    c.validateMode = 'false';
    lease.release();
    await vi.waitFor(() => expect(c.destroys).toBe(1));
    expect(pool.stats()).toMatchObject({ size: 0, validationFailures: 1 });
    await pool.close();
  });
});
