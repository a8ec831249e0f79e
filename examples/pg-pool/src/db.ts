// A pool of real PostgreSQL connections (`pg` Clients) built on @leakproof/pool.
import { createPool, type Pool, type PoolOptions } from '@leakproof/pool';
import pg from 'pg';

/** The database the example uses: `DATABASE_URL`, or the local test server. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A pool of connected `pg.Client`s. Every connection carries `applicationName`, so the
 * server's `pg_stat_activity` shows exactly which connections this pool holds.
 */
export function createDbPool(
  applicationName: string,
  options: Omit<PoolOptions, 'max'> & { max?: number } = {},
): Pool<pg.Client> {
  return createPool<pg.Client>(
    {
      async create({ signal }) {
        const client = new pg.Client({ connectionString: DATABASE_URL, application_name: applicationName });
        // A client that errors while idle must not crash the process; the pool's validate drops it.
        client.on('error', () => {});
        const onAbort = () => void client.end().catch(() => {});
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          await client.connect();
        } finally {
          signal.removeEventListener('abort', onAbort);
        }
        return client;
      },
      destroy: (client) => client.end(),
      validate: async (client) => (await client.query('select 1 as ok')).rows[0]?.ok === 1,
    },
    {
      max: 5,
      acquireTimeoutMs: 5_000,
      createTimeoutMs: 5_000,
      idleTimeoutMs: 30_000,
      maxLifetimeMs: 30 * 60_000,
      leakDetectionMs: 10_000,
      name: applicationName,
      ...options,
    },
  );
}

/** Connections the server sees for `applicationName` (asked on a separate, unpooled connection). */
export async function serverConnections(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
