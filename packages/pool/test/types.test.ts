import type { Lease, Pool, PoolStats } from '@leakproof/pool';
import { createPool } from '@leakproof/pool';
import * as facade from '@leakproof/pool/generic-pool';
import { describe, expectTypeOf, it } from 'vitest';

interface Conn {
  query(sql: string): Promise<number>;
}

describe('types', () => {
  it('infers the resource type from the factory', async () => {
    const pool = createPool(
      { create: async (): Promise<Conn> => ({ query: async () => 1 }), destroy: () => {} },
      { max: 1 },
    );
    expectTypeOf(pool).toEqualTypeOf<Pool<Conn>>();
    const lease = await pool.acquire();
    expectTypeOf(lease).toEqualTypeOf<Lease<Conn>>();
    expectTypeOf(lease.resource).toEqualTypeOf<Conn>();
    expectTypeOf(lease.release).returns.toEqualTypeOf<void>();
    expectTypeOf(lease.destroy).returns.toEqualTypeOf<Promise<void>>();
    lease.release();
    const n = await pool.use((c) => c.query('select 1'));
    expectTypeOf(n).toEqualTypeOf<number>();
    const s = await pool.use(() => 'sync');
    expectTypeOf(s).toEqualTypeOf<string>();
    expectTypeOf(pool.stats()).toEqualTypeOf<PoolStats>();
    expectTypeOf(pool.stats().size).toEqualTypeOf<number>();
    await pool.close();
  });

  it('rejects options of the wrong type at compile time', () => {
    const factory = { create: () => 1, destroy: () => {} };
    // @ts-expect-error max is required
    expectTypeOf(() => createPool(factory, {})).toBeFunction();
    // @ts-expect-error order is 'fifo' | 'lifo'
    expectTypeOf(() => createPool(factory, { max: 1, order: 'random' })).toBeFunction();
    // @ts-expect-error generic-pool's names are not this API's
    expectTypeOf(() => createPool(factory, { max: 1, acquireTimeoutMillis: 5 })).toBeFunction();
  });

  it('types the generic-pool facade like generic-pool', async () => {
    const pool = facade.createPool({
      create: async (): Promise<Conn> => ({ query: async () => 1 }),
      destroy: async () => {},
    });
    // (functions, not calls: these only check types)
    expectTypeOf(pool.acquire).returns.toEqualTypeOf<Promise<Conn>>();
    expectTypeOf(pool.release).parameter(0).toEqualTypeOf<Conn>();
    const useIt = () => pool.use(async (c) => c.query('x'));
    expectTypeOf(useIt).returns.toEqualTypeOf<Promise<number>>();
    expectTypeOf(pool.size).toEqualTypeOf<number>();
    await pool.drain();
    await pool.clear();
  });
});
