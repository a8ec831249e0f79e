import diagnostics_channel from 'node:diagnostics_channel';
import { listPrimitives } from '@leakproof/core';
import { createPool } from '@leakproof/pool';
import { describe, expect, it } from 'vitest';
import { controlledFactory } from './helpers.js';

describe('registry', () => {
  it('lists a live pool with its stats, and drops it on close', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 3, name: 'db' });
    const lease = await pool.acquire();
    const entry = listPrimitives({ kind: 'pool' }).find((p) => p.name === 'db');
    expect(entry?.stats).toMatchObject({ size: 1, borrowed: 1, available: 0, pending: 0, max: 3 });
    lease.release();
    await pool.close();
    expect(listPrimitives({ kind: 'pool' }).find((p) => p.name === 'db')).toBeUndefined();
  });

  it('names unnamed pools pool#<id>', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    expect(pool.name).toMatch(/^pool#\d+$/);
    await pool.close();
  });
});

describe('diagnostics channels', () => {
  it('publishes create, destroy, create-error, acquire-timeout and close', async () => {
    const seen: Array<[string, { pool?: string }]> = [];
    const names = ['create', 'destroy', 'create-error', 'acquire-timeout', 'close'];
    const subscribers = names.map((name) => {
      const fn = (message: unknown): void => {
        seen.push([name, message as { pool?: string }]);
      };
      diagnostics_channel.subscribe(`leakproof:pool:${name}`, fn);
      return () => diagnostics_channel.unsubscribe(`leakproof:pool:${name}`, fn);
    });
    try {
      const c = controlledFactory();
      const pool = createPool(c.factory, { max: 1, name: 'observed', createRetry: { minDelayMs: 1000 } });
      await (await pool.acquire()).destroy();
      c.createMode = 'reject';
      await expect(pool.acquire({ timeoutMs: 20 })).rejects.toMatchObject({ code: 'ERR_POOL_TIMEOUT' });
      await pool.close();
      const mine = seen.filter(([, m]) => m.pool === 'observed').map(([n]) => n);
      expect(mine).toEqual(['create', 'destroy', 'create-error', 'acquire-timeout', 'close']);
    } finally {
      for (const unsubscribe of subscribers) unsubscribe();
    }
  });
});
