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

describe('optional options are typed `?: T | undefined`', () => {
  it('accepts an explicit undefined for every optional option (exactOptionalPropertyTypes)', () => {
    const maybe = (n: number): number | undefined => (n > 0 ? n : undefined);
    const factory = { create: () => 1, destroy: () => {} };
    const options = {
      max: 1,
      min: maybe(0),
      maxWaiting: maybe(0),
      acquireTimeoutMs: maybe(0),
      createTimeoutMs: maybe(0),
      destroyTimeoutMs: maybe(0),
      validateTimeoutMs: maybe(0),
      idleTimeoutMs: maybe(0),
      hardIdleTimeoutMs: maybe(0),
      maxLifetimeMs: maybe(0),
      maxUses: maybe(0),
      validateOnBorrow: undefined,
      validateOnReturn: undefined,
      order: undefined,
      createRetry: { minDelayMs: maybe(0), maxDelayMs: maybe(0), factor: maybe(0) },
      leakDetectionMs: maybe(0),
      destroyOnError: undefined,
      priorityRange: maybe(0),
      name: undefined,
    };
    expectTypeOf(() => createPool(factory, options)).toBeFunction();
    expectTypeOf(() =>
      createPool(factory, { max: 1 }).acquire({ signal: undefined, timeoutMs: maybe(0), priority: maybe(0) }),
    ).toBeFunction();
    const generic: facade.Options = {
      max: maybe(0),
      min: maybe(0),
      maxWaitingClients: maybe(0),
      testOnBorrow: undefined,
      testOnReturn: undefined,
      acquireTimeoutMillis: maybe(0),
      destroyTimeoutMillis: maybe(0),
      fifo: undefined,
      priorityRange: maybe(0),
      autostart: undefined,
      evictionRunIntervalMillis: maybe(0),
      numTestsPerEvictionRun: maybe(0),
      softIdleTimeoutMillis: maybe(0),
      idleTimeoutMillis: maybe(0),
    };
    expectTypeOf(generic).toMatchTypeOf<facade.Options>();
  });
});
