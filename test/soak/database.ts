// A pool of real PostgreSQL connections on @leakproof/pool, the way a service would build
// one: broken clients (a terminated backend, a dropped socket) fail validation and are
// replaced; a query that dies with its connection is retried on another one.
import { createPool, type Pool } from '@leakproof/pool';
import pg from 'pg';

/** A pg client plus the flag its 'error' listener sets when the connection breaks. */
export interface Connection {
  readonly client: pg.Client;
  broken: boolean;
}

export interface Database {
  readonly pool: Pool<Connection>;
  /** Runs one query; retried on another connection when the connection died under it. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** Connection errors seen (the injected faults show up here, not as failed requests). */
  readonly connectionErrors: () => number;
  close(): Promise<void>;
}

// A connection that died: admin shutdown (pg_terminate_backend), a reset socket, an ended client.
const CONNECTION_LOST = /terminat|ECONNRESET|Connection terminated|not queryable|EPIPE|closed/i;

export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === '57P01' || CONNECTION_LOST.test(e?.message ?? '');
}

export function createDatabase(url: string, applicationName: string, max = 6): Database {
  let connectionErrors = 0;
  const pool = createPool<Connection>(
    {
      async create() {
        const client = new pg.Client({ connectionString: url, application_name: applicationName });
        const connection: Connection = { client, broken: false };
        // Without this listener a terminated backend would crash the process.
        client.on('error', () => {
          connectionErrors++;
          connection.broken = true;
        });
        client.on('end', () => {
          connection.broken = true;
        });
        await client.connect();
        return connection;
      },
      async destroy(connection) {
        await connection.client.end().catch(() => {});
      },
      validate: (connection) => !connection.broken,
    },
    { max, acquireTimeoutMs: 5_000, createTimeoutMs: 5_000, destroyOnError: true, name: 'soak-pg' },
  );
  async function query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await pool.use((c) => c.client.query<R>(text, values));
      } catch (error) {
        // Every idle connection may have been killed at once, and a dead one is only noticed
        // when used: allow one attempt per pooled connection, plus a fresh one.
        if (attempt > max || !isConnectionLost(error)) throw error;
        connectionErrors++;
      }
    }
  }
  return {
    pool,
    query,
    connectionErrors: () => connectionErrors,
    close: () => pool.close({ timeoutMs: 5_000 }),
  };
}
