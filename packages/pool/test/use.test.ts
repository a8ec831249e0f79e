import { createPool } from '@leakproof/pool';
import { describe, expect, it } from 'vitest';
import { controlledFactory } from './helpers.js';

describe('use(fn)', () => {
  it('runs a sync fn and releases', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    expect(await pool.use((r) => r.id * 10)).toBe(10);
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1 });
    await pool.close();
  });

  it('runs an async fn and releases', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    expect(await pool.use(async (r) => r.id + 1)).toBe(2);
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1 });
    await pool.close();
  });

  it('releases when fn throws synchronously, and rethrows', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    const boom = new Error('sync boom');
    await expect(
      pool.use(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1 });
    expect(c.destroys).toBe(0);
    await pool.close();
  });

  it('releases when fn rejects, and rethrows', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await expect(pool.use(async () => Promise.reject(new Error('async boom')))).rejects.toThrow('async boom');
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1 });
    await pool.close();
  });

  it('destroys the resource on throw or rejection with destroyOnError', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, destroyOnError: true });
    await expect(
      pool.use(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(pool.use(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    await pool.use(() => 'fine');
    expect(c.destroys).toBe(2);
    expect(pool.stats()).toMatchObject({ borrowed: 0, available: 1, destroyed: 2 });
    await pool.close();
  });

  it('takes destroyOnError per call', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await expect(pool.use(() => Promise.reject(new Error('x')), { destroyOnError: true })).rejects.toThrow(
      'x',
    );
    expect(c.destroys).toBe(1);
    await pool.close();
  });

  it('rejects a non-function fn before acquiring', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await expect(pool.use('nope' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(pool.use(() => 1, { destroyOnError: 'yes' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    expect(c.creates).toBe(0);
    await pool.close();
  });
});
