// The faults the soak injects while the load runs.
import pg from 'pg';
import { type PrivateRedis, startPrivateRedis } from '../setup/services.js';

/** Stops the private Redis and starts a new one on the same port after `downMs`. */
export async function restartRedis(redis: PrivateRedis, downMs: number): Promise<PrivateRedis> {
  await redis.stop();
  await new Promise((resolve) => setTimeout(resolve, downMs));
  return startPrivateRedis([], redis.port);
}

/** Terminates every backend of `applicationName` (our pool's connections); resolves how many. */
export async function terminateBackends(url: string, applicationName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url, application_name: `${applicationName}-admin` });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ terminated: boolean }>(
      'select pg_terminate_backend(pid) as terminated from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return rows.filter((r) => r.terminated).length;
  } finally {
    await admin.end();
  }
}
