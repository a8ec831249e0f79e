// L2 hits with 50 reads in flight, invalidation tracking on: TieredCache.get (an L1 of one
// entry, so every read goes to Redis) and RedisCache.get beside raw ioredis GET, repeated in
// three separate runs (the target holds in each).
//
// Each run is many short rounds; in every round each candidate runs once, back to back, in
// a rotating order, and the figure for a candidate is the median over rounds of its ops/s
// divided by raw GET's ops/s *in the same round*. On a shared machine whose load swings by
// the second, a per-round ratio cancels what a ratio of medians taken seconds apart does
// not. The client CPU time per read (process.cpuUsage, user + system) is reported too: it
// moves far less with the machine's load than throughput does.
//
// The cache's own connection auto-pipelines (the commands of concurrent calls leave in one
// socket write); "raw GET, auto-pipelined" is the same ioredis client setting, so that the
// package's own cost can be read beside the transport's.
//
// Run after a build:  node --expose-gc benchmarks/redis/l2-throughput.mjs [runs]
import { RedisCache, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';

const runs = Number(process.argv[2] ?? 3);
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `lpbench-l2-${process.pid}`;
const CONCURRENCY = 50;
const ROUNDS = 15;
const ROUND_MS = 200;
const value = { id: 42, name: 'Desk lamp', price: 39.9, tags: ['lighting', 'office'], stock: 17 };
const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);

const raw = new Redis(url);
const rawPipelined = new Redis(url, { enableAutoPipelining: true });
const l2 = new RedisCache({ redis: url, namespace, ttl: 120_000 });
await l2.setMany(keys.map((k) => [k, value]));
const tiered = new TieredCache({ l1: { max: 1 }, l2 });
while (!tiered.l1Active) await new Promise((r) => setTimeout(r, 5));

const batch = (read) => (i) => {
  const all = [];
  for (let j = 0; j < CONCURRENCY; j++) all.push(read(keys[(i + j) % keys.length]));
  return Promise.all(all);
};
const candidates = [
  { name: 'raw GET', fn: batch((k) => raw.get(`${namespace}:${k}`)) },
  {
    name: 'raw GET + JSON.parse',
    fn: batch(async (k) => JSON.parse(await raw.get(`${namespace}:${k}`))),
  },
  { name: 'raw GET, auto-pipelined', fn: batch((k) => rawPipelined.get(`${namespace}:${k}`)) },
  { name: 'RedisCache.get', fn: batch((k) => l2.get(k)) },
  { name: 'TieredCache.get', fn: batch((k) => tiered.get(k)) },
];

/** Runs `c` for `ms`; ops/s and client CPU µs per op. */
async function measure(c, ms) {
  let ops = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await c.fn(ops);
    ops += CONCURRENCY;
    now = performance.now();
  }
  const used = process.cpuUsage(cpu);
  return { opsPerSec: (ops / (now - start)) * 1000, cpuUs: (used.user + used.system) / ops };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const rows = [];
for (let r = 1; r <= runs; r++) {
  for (const c of candidates) await measure(c, 300); // warm-up
  const samples = new Map(candidates.map((c) => [c.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(k + round) % candidates.length];
      samples.get(c.name).push(await measure(c, ROUND_MS));
    }
  }
  const base = samples.get('raw GET');
  const ratio = (name, to = base) =>
    median(samples.get(name).map((s, i) => s.opsPerSec / to[i].opsPerSec)).toFixed(2);
  const ops = (name) => Math.round(median(samples.get(name).map((s) => s.opsPerSec)));
  const cpu = (name) => median(samples.get(name).map((s) => s.cpuUs)).toFixed(1);
  rows.push(
    `| ${r} | ${ops('raw GET')} | ${ops('TieredCache.get')} | ${ratio('TieredCache.get')}x | ${ratio('RedisCache.get')}x | ${ratio('TieredCache.get', samples.get('raw GET + JSON.parse'))}x | ${ratio('TieredCache.get', samples.get('raw GET, auto-pipelined'))}x | ${cpu('raw GET')} / ${cpu('raw GET, auto-pipelined')} / ${cpu('RedisCache.get')} / ${cpu('TieredCache.get')} |`,
  );
}
console.log(
  '| run | raw GET ops/s | TieredCache.get ops/s | TieredCache ÷ raw GET | RedisCache ÷ raw GET | TieredCache ÷ raw GET + JSON.parse | TieredCache ÷ raw GET auto-pipelined | client CPU µs/read: raw / raw auto-pipelined / RedisCache / TieredCache |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
await tiered.close();
await l2.clear();
await l2.close();
await raw.quit();
await rawPipelined.quit();
