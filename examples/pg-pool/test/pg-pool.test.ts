// Runs against the real PostgreSQL at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbPool, DATABASE_URL, serverConnections } from '../src/db.js';
import { getUser, getUserWithUse } from '../src/fixed-handler.js';
import { getUserLeaky } from '../src/leaky-handler.js';

const suffix = randomUUID().slice(0, 8);
const table = `pg_pool_example_${suffix}`;
const warnings: Array<Error & { code?: string; detail?: string }> = [];
const onWarning = (w: Error & { code?: string; detail?: string }): void => {
  if (w.name === 'LeakproofWarning') warnings.push(w);
};

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${DATABASE_URL}: start one (user postgres, database test) or set DATABASE_URL`,
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  process.on('warning', onWarning);
  await admin(async (c) => {
    await c.query(`create table ${table} (id int primary key, name text)`);
    await c.query(`insert into ${table} values (1, 'ada'), (2, 'grace')`);
  });
});

afterAll(async () => {
  process.off('warning', onWarning);
  await admin((c) => c.query(`drop table if exists ${table}`));
});

describe('pg pool', () => {
  it('the fixed handler serves many concurrent requests on a few connections and returns them all', async () => {
    const app = `pg-pool-fixed-${suffix}`;
    const pool = createDbPool(app, { max: 3 });
    const ids = Array.from({ length: 60 }, (_, i) => i % 4);
    const results = await Promise.all(
      ids.map((id, i) => (i % 2 ? getUser : getUserWithUse)(pool, table, id)),
    );
    expect(results.filter((r) => r !== null).map((r) => r!.name)).toContain('grace');
    expect(results.filter((r) => r === null)).toHaveLength(30);
    expect(pool.stats()).toMatchObject({ borrowed: 0, pending: 0 });
    expect(pool.stats().size).toBeLessThanOrEqual(3);
    expect(await serverConnections(app)).toBeLessThanOrEqual(3);
    await pool.close();
    expect(await serverConnections(app)).toBe(0);
  });

  it('the leaky handler is caught: held too long, then garbage-collected and its connection closed', async () => {
    const app = `pg-pool-leaky-${suffix}`;
    const pool = createDbPool(app, { max: 2, leakDetectionMs: 50, acquireTimeoutMs: 200 });
    expect(await getUserLeaky(pool, table, 404)).toBeNull();
    expect(await getUserLeaky(pool, table, 405)).toBeNull();
    expect(pool.stats().borrowed).toBe(2);
    // the pool is exhausted: the next request fails fast instead of hanging
    await expect(getUserLeaky(pool, table, 1)).rejects.toMatchObject({ code: 'ERR_POOL_TIMEOUT' });
    const held = warnings.filter((w) => w.code === 'LEAKPROOF_LEASE_HELD');
    expect(held.length).toBeGreaterThanOrEqual(2);
    expect(held[0]!.detail).toMatch(/getUserLeaky/);
    expect(await serverConnections(app)).toBe(2);
    for (let i = 0; i < 50 && pool.stats().borrowed > 0; i++) {
      globalThis.gc!();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(pool.stats()).toMatchObject({ borrowed: 0 });
    expect(warnings.filter((w) => w.code === 'LEAKPROOF_LEASE_LEAKED')).toHaveLength(2);
    // the leaked connections were closed on the server, and the pool serves again
    for (let i = 0; i < 50 && (await serverConnections(app)) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await serverConnections(app)).toBe(0);
    expect((await getUser(pool, table, 1))?.name).toBe('ada');
    await pool.close();
  });

  it('close() ends every connection, borrowed ones included', async () => {
    const app = `pg-pool-close-${suffix}`;
    const pool = createDbPool(app, { max: 2, min: 2 });
    await pool.ready();
    const lease = await pool.acquire();
    expect(await serverConnections(app)).toBe(2);
    await pool.close({ timeoutMs: 50 });
    expect(lease.ended).toBe(true);
    expect(await serverConnections(app)).toBe(0);
  });
});
