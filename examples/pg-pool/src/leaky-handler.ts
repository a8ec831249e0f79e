// BEFORE: the classic leak. The early return skips release(), so every request for a user
// that does not exist keeps a connection forever; after `max` of them the service hangs.
import type { Pool } from '@leakproof/pool';
import type pg from 'pg';

export interface User {
  id: number;
  name: string;
}

export async function getUserLeaky(pool: Pool<pg.Client>, table: string, id: number): Promise<User | null> {
  const lease = await pool.acquire();
  const result = await lease.resource.query<User>(`select id, name from ${table} where id = $1`, [id]);
  if (result.rows.length === 0) return null; // forgot lease.release()
  lease.release();
  return result.rows[0]!;
}
