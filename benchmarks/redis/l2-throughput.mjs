// L2 hits with 50 reads in flight, invalidation tracking on: TieredCache.get (an L1 of one
// entry, so every read goes to Redis) and RedisCache.get beside raw ioredis GET, in
// interleaved rounds, repeated in three separate runs (the target holds in each).
// Run after a build:  node --expose-gc benchmarks/redis/l2-throughput.mjs [runs]
import { RedisCache, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { compare } from '../lib/harness.mjs';

const runs = Number(process.argv[2] ?? 3);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `lpbench-l2-${process.pid}`;
const CONCURRENCY = 50;
const value = { id: 42, name: 'Desk lamp', price: 39.9, tags: ['lighting', 'office'], stock: 17 };
const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);

const raw = new Redis(url);
const l2 = new RedisCache({ redis: url, namespace, ttl: 120_000 });
await l2.setMany(keys.map((k) => [k, value]));
const tiered = new TieredCache({ l1: { max: 1 }, l2 });
while (!tiered.l1Active) await new Promise((r) => setTimeout(r, 5));

const run = (read) => async (i) => {
  const all = [];
  for (let j = 0; j < CONCURRENCY; j++) all.push(read(keys[(i + j) % keys.length]));
  await Promise.all(all);
};
const rows = [];
for (let r = 1; r <= runs; r++) {
  const results = await compare(
    [
      { name: 'raw GET', fn: run((k) => raw.get(`${namespace}:${k}`)) },
      { name: 'raw GET + JSON.parse', fn: run(async (k) => JSON.parse(await raw.get(`${namespace}:${k}`))) },
      { name: 'RedisCache.get', fn: run((k) => l2.get(k)) },
      { name: 'TieredCache.get', fn: run((k) => tiered.get(k)) },
    ],
    { timeMs: 300, rounds: 7, warmupMs: 300, async: true, batch: CONCURRENCY },
  );
  const ops = Object.fromEntries(results.map((x) => [x.name, x.opsPerSec]));
  rows.push(
    `| ${r} | ${Math.round(ops['raw GET'])} | ${Math.round(ops['TieredCache.get'])} | ${(ops['TieredCache.get'] / ops['raw GET']).toFixed(2)}x | ${(ops['RedisCache.get'] / ops['raw GET']).toFixed(2)}x | ${(ops['TieredCache.get'] / ops['raw GET + JSON.parse']).toFixed(2)}x |`,
  );
}
console.log(
  '| run | raw GET ops/s | TieredCache.get ops/s | TieredCache ÷ raw GET | RedisCache ÷ raw GET | TieredCache ÷ raw GET + JSON.parse |',
);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
await tiered.close();
await l2.clear();
await l2.close();
await raw.quit();
