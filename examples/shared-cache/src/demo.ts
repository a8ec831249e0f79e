// Two instances of the product service, first with a per-process Map, then with a
// TieredCache on Redis: a price changed through instance A, read back through instance B.
// Run: npm start (from this example's folder)   (REDIS_URL, default redis://127.0.0.1:6379)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisCache } from '@leakproof/redis';
import { seedCatalog } from './catalog.js';
import { startInstance } from './instances.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const dir = mkdtempSync(join(tmpdir(), 'shared-cache-'));
const namespace = `shop-demo-${process.pid}:products`;

async function scene(cache: 'leaky' | 'shared') {
  const dbFile = join(dir, `${cache}.json`);
  await seedCatalog(dbFile, 100);
  const env = { DB_FILE: dbFile, REDIS_URL: redisUrl, CACHE: cache, NAMESPACE: namespace };
  const [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
  try {
    await a.get('/products/7');
    const before = await b.get('/products/7');
    await a.put('/products/7', { price: 99 });
    const after = await b.get('/products/7');
    const stats = await b.get('/stats');
    return { cache, before: before.price, after: after.price, bDatabaseReads: stats.databaseReads };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

try {
  const rows = [await scene('leaky'), await scene('shared')];
  console.log('price of product 7 as instance B serves it, after instance A set it to 99:\n');
  console.log('| cache | B before | B after | B database reads |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) {
    const label = r.cache === 'leaky' ? 'Map per process' : 'TieredCache + Redis';
    console.log(
      `| ${label} | ${r.before} | ${r.after}${r.after === 99 ? '' : ' (stale)'} | ${r.bDatabaseReads} |`,
    );
  }
} finally {
  const cleanup = new RedisCache({ redis: redisUrl, namespace, ttl: 1000 });
  await cleanup.clear();
  await cleanup.close();
  rmSync(dir, { recursive: true, force: true });
}
