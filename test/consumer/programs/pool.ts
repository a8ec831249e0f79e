// @leakproof/pool as its README shows it: leases released by `await using`, use(), close(),
// and the generic-pool facade from its subpath.
import { createPool } from '@leakproof/pool';
import { createPool as createGenericPool } from '@leakproof/pool/generic-pool';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/pool: ${what}`);
}

interface Connection {
  readonly id: number;
  closed: boolean;
  query(sql: string): Promise<string>;
}

let nextId = 0;
const connect = async (): Promise<Connection> => ({
  id: ++nextId,
  closed: false,
  query: async (sql) => `${sql} ok`,
});

async function main(): Promise<void> {
  const pool = createPool<Connection>(
    {
      create: async () => connect(),
      destroy: (conn) => {
        conn.closed = true;
      },
      validate: (conn) => !conn.closed,
    },
    { max: 2, name: 'db' },
  );

  async function handler(): Promise<string> {
    await using lease = await pool.acquire();
    return lease.resource.query('select 1');
  }
  check((await handler()) === 'select 1 ok', 'a lease lends the resource');
  check(pool.stats().borrowed === 0, 'await using released the lease');
  const rows = await pool.use((conn) => conn.query('select 2'));
  check(rows === 'select 2 ok', 'use() lends the resource');
  await pool.close();

  const legacy = createGenericPool<Connection>(
    {
      create: () => connect(),
      destroy: async (conn) => {
        conn.closed = true;
      },
    },
    { max: 2, min: 0 },
  );
  const conn = await legacy.acquire();
  check(legacy.borrowed === 1, 'the facade lends like generic-pool');
  await legacy.release(conn);
  await legacy.drain();
  await legacy.clear();
}

main().then(
  () => console.log('ok @leakproof/pool'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
