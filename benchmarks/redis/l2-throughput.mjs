// L2 hits with 50 reads in flight, invalidation tracking on: TieredCache.get (an L1 of one
// entry, so every read goes to Redis) and RedisCache.get beside raw ioredis GET, repeated in
// three separate runs (the target holds in each).
//
// Each run is many short rounds; in every round each candidate runs next to raw GET (raw,
// candidate, candidate, raw), and the figure for a candidate is the median over rounds of
// its ops/s divided by raw GET's in the same round. On a shared machine whose load swings
// by the second, a paired per-round ratio cancels what a ratio of medians taken seconds
// apart does not. The client CPU time per read (process.cpuUsage, user + system) is reported too: it
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
const ROUND_MS = 100;
const value = { id: 42, name: 'Desk lamp', price: 39.9, tags: ['lighting', 'office'], stock: 17 };
const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);

const raw = new Redis(url);
const rawPipelined = new Redis(url, { enableAutoPipelining: true });
const l2 = new RedisCache({ redis: url, namespace, ttl: 120_000 });
await l2.setMany(keys.map((k) => [k, value]));
const tiered = new TieredCache({ l1: { max: 1 }, l2 });
// The same tier on a connection that sends each command in its own write, as raw GET does:
// what the package's code costs without the transport's help.
const { hostname, port } = new URL(url);
const l2Plain = new RedisCache({
  redis: { host: hostname, port: Number(port || 6379), enableAutoPipelining: false },
  namespace,
  ttl: 120_000,
});
const tieredPlain = new TieredCache({ l1: { max: 1 }, l2: l2Plain });
while (!tiered.l1Active || !tieredPlain.l1Active) await new Promise((r) => setTimeout(r, 5));

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
  { name: 'TieredCache.get, no auto-pipelining', fn: batch((k) => tieredPlain.get(k)) },
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
  // Per candidate and round: raw GET, the candidate, the candidate, raw GET (ABBA), each for
  // ROUND_MS; the round's ratio is the candidate's ops over raw GET's in those four slots, so
  // a load that rises or falls steadily across them cancels out.
  const ratios = new Map(candidates.map((c) => [c.name, []]));
  const samples = new Map(candidates.map((c) => [c.name, []]));
  const [base, ...others] = candidates;
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of others) {
      const a1 = await measure(base, ROUND_MS);
      const b1 = await measure(c, ROUND_MS);
      const b2 = await measure(c, ROUND_MS);
      const a2 = await measure(base, ROUND_MS);
      ratios.get(c.name).push((b1.opsPerSec + b2.opsPerSec) / (a1.opsPerSec + a2.opsPerSec));
      samples.get(c.name).push(b1, b2);
      samples.get(base.name).push(a1, a2);
    }
  }
  const ratio = (name) => median(ratios.get(name)).toFixed(2);
  // TieredCache against the other anchors: the ratio of the two per-round ratios to raw GET.
  const versus = (name) =>
    median(ratios.get('TieredCache.get').map((t, i) => t / ratios.get(name)[i])).toFixed(2);
  const ops = (name) => Math.round(median(samples.get(name).map((s) => s.opsPerSec)));
  const cpu = (name) => median(samples.get(name).map((s) => s.cpuUs)).toFixed(1);
  rows.push(
    `| ${r} | ${ops('raw GET')} | ${ops('TieredCache.get')} | ${ratio('TieredCache.get')}x | ${ratio('RedisCache.get')}x | ${versus('raw GET + JSON.parse')}x | ${versus('raw GET, auto-pipelined')}x | ${ratio('TieredCache.get, no auto-pipelining')}x | ${cpu('raw GET')} / ${cpu('raw GET, auto-pipelined')} / ${cpu('RedisCache.get')} / ${cpu('TieredCache.get')} / ${cpu('TieredCache.get, no auto-pipelining')} |`,
  );
}
console.log(
  '| run | raw GET ops/s | TieredCache.get ops/s | TieredCache ÷ raw GET | RedisCache ÷ raw GET | TieredCache ÷ raw GET + JSON.parse | TieredCache ÷ raw GET auto-pipelined | TieredCache, no auto-pipelining ÷ raw GET | client CPU µs/read: raw / raw auto-pipelined / RedisCache / TieredCache / TieredCache no auto-pipelining |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
await tiered.close();
await tieredPlain.close();
await l2Plain.close();
await l2.clear();
await l2.close();
await raw.quit();
await rawPipelined.quit();
