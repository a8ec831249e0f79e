// AFTER: `await using` releases the lease on every path out of the block: return, early
// return, or throw.
import type { Pool } from '@leakproof/pool';
import type pg from 'pg';
import type { User } from './leaky-handler.js';

export async function getUser(pool: Pool<pg.Client>, table: string, id: number): Promise<User | null> {
  await using lease = await pool.acquire();
  const result = await lease.resource.query<User>(`select id, name from ${table} where id = $1`, [id]);
  if (result.rows.length === 0) return null;
  return result.rows[0]!;
}

/** The same with `pool.use()`, for code that prefers a callback. */
export function getUserWithUse(pool: Pool<pg.Client>, table: string, id: number): Promise<User | null> {
  return pool.use(async (client) => {
    const result = await client.query<User>(`select id, name from ${table} where id = $1`, [id]);
    return result.rows[0] ?? null;
  });
}
