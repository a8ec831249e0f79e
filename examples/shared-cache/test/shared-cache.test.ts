import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '../src/catalog.js';
import { type Instance, startInstance } from '../src/instances.js';

const dir = mkdtempSync(join(tmpdir(), 'shared-cache-test-'));
const namespace = `lptest-shared-cache-${process.pid}-${randomBytes(4).toString('hex')}:products`;

function redisUrl(): string {
  if (process.env.LEAKPROOF_NO_REDIS !== undefined) throw new Error(process.env.LEAKPROOF_NO_REDIS);
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
}

async function pair(cache: 'leaky' | 'shared'): Promise<[Instance, Instance]> {
  const dbFile = join(dir, `${cache}.json`);
  await seedCatalog(dbFile, 20);
  const env = { DB_FILE: dbFile, REDIS_URL: redisUrl(), CACHE: cache, NAMESPACE: namespace };
  return Promise.all([startInstance(env), startInstance(env)]);
}

describe('shared-cache example: two service processes', () => {
  let shared: [Instance, Instance];
  let leaky: [Instance, Instance];

  beforeAll(async () => {
    [shared, leaky] = await Promise.all([pair('shared'), pair('leaky')]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...(shared ?? []), ...(leaky ?? [])].map((i) => i.stop()));
    rmSync(dir, { recursive: true, force: true });
    // Every key the services wrote has a TTL; then the namespace is removed.
    const redis = new Redis(redisUrl());
    let cursor = '0';
    const immortal: string[] = [];
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        if ((await redis.pttl(key)) === -1) immortal.push(key);
        await redis.unlink(key);
      }
    } while (cursor !== '0');
    await redis.quit();
    expect(immortal).toEqual([]);
  });

  it('before: with a Map per process, B keeps serving the old price after A changed it', async () => {
    const [a, b] = leaky;
    expect(await b.get('/products/3')).toMatchObject({ price: 13 });
    expect(await a.put('/products/3', { price: 99 })).toMatchObject({ price: 99 });
    expect(await b.get('/products/3')).toMatchObject({ price: 13 }); // stale
  });

  it('after: B reads what A loaded from Redis, and sees A’s write at once', async () => {
    const [a, b] = shared;
    expect(await a.get('/products/3')).toMatchObject({ price: 13 });
    expect(await b.get('/products/3')).toMatchObject({ price: 13 });
    expect(await b.get('/stats')).toMatchObject({ databaseReads: 0, l2Hits: 1 }); // served from Redis, not the database
    // Then from B's own L1 (a read racing A's announcement of its load is not cached, so allow a second).
    for (let i = 0; i < 3 && (await b.get('/stats')).l1Hits === 0; i++) {
      expect(await b.get('/products/3')).toMatchObject({ price: 13 });
    }
    expect(((await b.get('/stats')).l1Hits as number) >= 1).toBe(true);
    expect(await a.put('/products/3', { price: 99 })).toMatchObject({ price: 99 });
    // The write's invalidation travels over pub/sub; B never serves 13 again once it has 99.
    let price = 13;
    for (let i = 0; i < 200 && price !== 99; i++) {
      price = (await b.get('/products/3')).price as number;
      if (price !== 99) await new Promise((r) => setTimeout(r, 5));
    }
    expect(price).toBe(99);
    expect(await b.get('/products/3')).toMatchObject({ price: 99 });
    expect(((await b.get('/stats')).invalidationsReceived as number) >= 1).toBe(true);
  });
});
