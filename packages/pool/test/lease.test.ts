import { createPool, Lease, Pool } from '@leakproof/pool';
import { describe, expect, it } from 'vitest';
import { controlledFactory } from './helpers.js';

describe('Lease', () => {
  it('release() is idempotent', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    expect(pool).toBeInstanceOf(Pool);
    const lease = await pool.acquire();
    expect(lease).toBeInstanceOf(Lease);
    lease.release();
    lease.release();
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1 });
    expect(lease.ended).toBe(true);
    await pool.close();
  });

  it('refuses to hand out its resource once released', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const lease = await pool.acquire();
    expect(lease.resource.id).toBe(1);
    lease.release();
    expect(() => lease.resource).toThrow(expect.objectContaining({ code: 'ERR_LEASE_RELEASED' }));
    await pool.close();
  });

  it('a stale lease cannot end a later lease of the same resource', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const first = await pool.acquire();
    first.release();
    const second = await pool.acquire();
    first.release();
    await first.destroy();
    expect(second.ended).toBe(false);
    expect(second.resource.id).toBe(1);
    expect(pool.stats().borrowed).toBe(1);
    second.release();
    await pool.close();
  });

  it('destroy() disposes of the resource, frees its slot, and is idempotent', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const lease = await pool.acquire();
    const resource = lease.resource;
    await lease.destroy(new Error('broken'));
    await lease.destroy();
    lease.release();
    expect(resource.destroyed).toBe(true);
    expect(c.destroys).toBe(1);
    expect(pool.stats()).toMatchObject({ size: 0, destroyed: 1 });
    const next = await pool.acquire();
    expect(next.resource.id).toBe(2);
    next.release();
    await pool.close();
  });

  it('await using releases the lease at the end of the block, even on throw', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const work = async (fail: boolean): Promise<number> => {
      await using lease = await pool.acquire();
      if (fail) throw new Error('handler failed');
      return lease.resource.id;
    };
    expect(await work(false)).toBe(1);
    expect(pool.stats().borrowed).toBe(0);
    await expect(work(true)).rejects.toThrow('handler failed');
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1 });
    await pool.close();
  });

  it('await using on the pool closes it', async () => {
    const c = controlledFactory();
    {
      await using pool = createPool(c.factory, { max: 1 });
      (await pool.acquire()).release();
    }
    expect(c.destroys).toBe(1);
  });
});
