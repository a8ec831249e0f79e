// The leak, detected, then fixed. Needs PostgreSQL at DATABASE_URL.
//   npm start (from this example's folder; it passes --expose-gc)
import { createDbPool, DATABASE_URL, serverConnections } from './db.js';
import { getUser } from './fixed-handler.js';
import { getUserLeaky } from './leaky-handler.js';

const app = `pg-pool-demo-${process.pid}`;
const table = `pg_pool_demo_${process.pid}`;
process.on('warning', (w) => {
  if (w.name === 'LeakproofWarning') {
    const detail = (w as { detail?: string }).detail ?? '';
    console.log(
      `  warning ${(w as { code?: string }).code}: ${w.message}\n    ${detail.split('\n').slice(0, 3).join('\n    ')}`,
    );
  }
});

const pool = createDbPool(app, { max: 2, acquireTimeoutMs: 1_000, leakDetectionMs: 300 });
try {
  await pool.use(async (c) => {
    await c.query(`create table ${table} (id int primary key, name text)`);
    await c.query(`insert into ${table} values (1, 'ada'), (2, 'grace')`);
  });
  console.log(`PostgreSQL at ${DATABASE_URL}, pool max 2\n`);

  console.log('Before: a handler that forgets release() on "not found"');
  for (const id of [404, 405]) console.log(`  getUserLeaky(${id}) ->`, await getUserLeaky(pool, table, id));
  console.log('  stats:', pool.stats().borrowed, 'borrowed of', pool.max);
  await getUserLeaky(pool, table, 1).catch((e: { code?: string }) =>
    console.log(`  getUserLeaky(1) -> ${e.code}: the pool is exhausted`),
  );
  await new Promise((r) => setTimeout(r, 400)); // leakDetectionMs passes: the warnings show where
  if (typeof globalThis.gc === 'function') {
    // The leaked leases are unreachable: garbage collection hands their connections back.
    for (let i = 0; i < 5 && pool.stats().borrowed > 0; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  await pool.close();
} finally {
  const cleanup = createDbPool(`${app}-cleanup`, { max: 1 });
  await cleanup.use((c) => c.query(`drop table if exists ${table}`));
  await cleanup.close();
}

console.log('\nAfter: the same handler with `await using`');
const fixed = createDbPool(app, { max: 2 });
const seed = `${table}_fixed`;
await fixed.use(async (c) => {
  await c.query(`create table ${seed} (id int primary key, name text)`);
  await c.query(`insert into ${seed} values (1, 'ada')`);
});
const results = await Promise.all(Array.from({ length: 50 }, (_, i) => getUser(fixed, seed, i % 3)));
console.log(
  `  50 concurrent requests: ${results.filter(Boolean).length} found, ${results.filter((r) => r === null).length} not found`,
);
console.log(
  `  borrowed after: ${fixed.stats().borrowed}, server connections: ${await serverConnections(app)} (max 2)`,
);
await fixed.use((c) => c.query(`drop table ${seed}`));
await fixed.close();
console.log(`  after close(): server connections: ${await serverConnections(app)}`);
