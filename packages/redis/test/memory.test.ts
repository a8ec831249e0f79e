// 1M operations through a TieredCache over Redis with a bounded L1: the heap stays flat.
import { assertNoLeak } from '@leakproof/memwatch';
import { MemoryCache, RedisCache, TieredCache } from '@leakproof/redis';
import { afterAll, expect, it } from 'vitest';
import { connectRedis, expectEveryKeyHasTtl, noDeadlines, uniqueNamespace } from './setup/redis.js';
import { waitFor } from './setup/wait.js';

const redis = connectRedis();
const namespace = uniqueNamespace('memory');

afterAll(async () => {
  await expectEveryKeyHasTtl(redis, namespace);
  await redis.quit();
});

it('1M operations over Redis (L1 hits, L2 reads, writes with invalidations to a second instance) keep the heap flat', async () => {
  // No deadline by the wall clock: this test measures the heap, and a shared runner can stall
  // a command past its deadline, which would fail a write for a reason that is not a leak.
  const l2 = new RedisCache<{ id: number; name: string }>({ redis, namespace, ttl: 20_000, ...noDeadlines });
  const a = new TieredCache<{ id: number; name: string }>({ l1: { max: 200 }, l2 });
  const b = new TieredCache<{ id: number; name: string }>({ l1: { max: 200 }, l2 });
  await waitFor(() => a.l1Active && b.l1Active, 'both subscriptions');
  for (let i = 0; i < 100; i++) await a.set(`hot${i}`, { id: i, name: `hot ${i}` });

  const result = await assertNoLeak(
    async (i) => {
      if (i % 2000 === 0) {
        // A fresh key every time: L1 churns at its bound, Redis holds it with a TTL, b is told.
        await a.set(`fresh${i}`, { id: i, name: `fresh ${i}` });
      } else if (i % 2000 === 1) {
        await b.get(`fresh${i - 1}`);
      } else {
        await a.get(`hot${i % 100}`);
      }
    },
    { samples: 16, opsPerSample: 50_000, warmup: 4, maxBytesPerOp: 0.5 },
  );
  expect(result.ops + result.warmupOps).toBeGreaterThanOrEqual(1_000_000); // the warm-up may extend itself
  expect(a.stats().l1Size).toBeLessThanOrEqual(200);
  expect(b.stats().invalidationsReceived).toBeGreaterThan(450);
  expect(a.stats().inflight + b.stats().inflight).toBe(0);
  console.log(
    `TieredCache, 1M ops: ${result.bytesPerOp.toFixed(3)} B/op (${(result.growthBytes / 1024).toFixed(1)} KiB over ${result.ops} measured ops)`,
  );
  await a.close();
  await b.close();
  await l2.close();
}, 120_000);

it('240k getOrLoad/set/delete over an in-memory L2, on 200k distinct keys: flat', async () => {
  const l2 = new MemoryCache<{ id: number }>({ max: 5_000, ttl: 60_000 });
  const cache = new TieredCache<{ id: number }>({ l1: { max: 1_000 }, l2 });
  const load = (key: string) => ({ id: key.length });
  const result = await assertNoLeak(
    async (i) => {
      const key = `k${i % 200_000}`;
      if (i % 10 === 0) await cache.set(key, { id: i });
      else if (i % 10 === 1) await cache.delete(key);
      else await cache.getOrLoad(key, load);
    },
    { samples: 10, opsPerSample: 20_000, warmup: 2, maxBytesPerOp: 0.5 },
  );
  expect(cache.stats().l1Size).toBeLessThanOrEqual(1_000);
  expect(cache.stats().inflight).toBe(0);
  console.log(`TieredCache over MemoryCache, 240k ops: ${result.bytesPerOp.toFixed(3)} B/op`);
  await cache.close();
  await l2.close();
}, 120_000);
