// Redis tier: @leakproof/redis beside raw ioredis and BoundedMap, on loopback, interleaved
// rounds in one process. Needs a Redis at REDIS_URL (default redis://127.0.0.1:6379).
// Run after a build:
//   node --expose-gc benchmarks/redis/run.mjs [--quick]
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { BoundedMap } from '@leakproof/cache';
import { RedisCache, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { compare, fmt, ratiosTo, writeSuite } from '../lib/harness.mjs';

const quick = process.argv.includes('--quick');
const timing = quick ? { timeMs: 150, rounds: 3, warmupMs: 100 } : { timeMs: 300, rounds: 5, warmupMs: 200 };
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `lpbench-${process.pid}`;

const raw = new Redis(url);
const l2 = new RedisCache({ redis: url, namespace, ttl: 120_000 });
await raw.ping();

const value = { id: 42, name: 'Desk lamp', price: 39.9, tags: ['lighting', 'office'], stock: 17 };
const KEYS = 1000;
const keys = Array.from({ length: KEYS }, (_, i) => `k${i}`);
await l2.setMany(keys.map((k) => [k, value]));
const tables = [];
const notes = [];

const row = (r, extra = []) => [r.name, fmt(r.opsPerSec), fmt(r.min), fmt(r.max), ...extra];

// 1. L1 hits: the async get and the sync getLocal of a TieredCache beside BoundedMap.get.
// L1 gives every entry a TTL (l1MaxTtl), which costs lru-cache a clock check per read, so
// BoundedMap appears twice: as users would use it without a ttl, and with one like L1's.
{
  const BATCH = 1000;
  const map = new BoundedMap({ max: 2000 });
  const mapTtl = new BoundedMap({ max: 2000, ttl: 60_000 });
  for (const k of keys) {
    map.set(k, value);
    mapTtl.set(k, value);
  }
  const tiered = new TieredCache({ l1: { max: 2000 }, l2 });
  while (!tiered.l1Active) await new Promise((r) => setTimeout(r, 5));
  for (const k of keys) while (tiered.getLocal(k) === undefined) await tiered.get(k);
  const loop = (read) => async (i) => {
    for (let j = 0; j < BATCH; j++) read(keys[(i + j) % KEYS]);
  };
  const awaitLoop = (read) => async (i) => {
    for (let j = 0; j < BATCH; j++) await read(keys[(i + j) % KEYS]);
  };
  const results = await compare(
    [
      { name: 'BoundedMap.get (no ttl)', fn: loop((k) => map.get(k)) },
      { name: 'BoundedMap.get (ttl, like L1)', fn: loop((k) => mapTtl.get(k)) },
      { name: 'TieredCache.getLocal (sync)', fn: loop((k) => tiered.getLocal(k)) },
      { name: 'await BoundedMap.get (ttl)', fn: awaitLoop((k) => mapTtl.get(k)) },
      { name: 'await TieredCache.get', fn: awaitLoop((k) => tiered.get(k)) },
    ],
    // A longer warm-up: getLocal inlines BoundedMap.get only once both are hot.
    { ...timing, warmupMs: 1000, async: true, batch: BATCH },
  );
  const ops = (name) => results.find((r) => r.name === name).opsPerSec;
  const anchorOf = {
    'TieredCache.getLocal (sync)': 'BoundedMap.get (ttl, like L1)',
    'await TieredCache.get': 'await BoundedMap.get (ttl)',
  };
  tables.push({
    title: 'L1 hit: TieredCache vs BoundedMap.get (target: within 1.3x)',
    columns: ['candidate', 'ops/s (median)', 'min', 'max', 'slower than its anchor by'],
    rows: results.map((r) =>
      row(r, [
        anchorOf[r.name]
          ? `${(ops(anchorOf[r.name]) / r.opsPerSec).toFixed(2)}x (vs ${anchorOf[r.name]})`
          : '',
      ]),
    ),
    note: `${BATCH} reads of warm keys per sample, all in one async loop. The sync path is compared with a sync BoundedMap.get on entries with a TTL, the awaited one with an awaited BoundedMap.get.`,
  });
  await tiered.close();
  map.dispose();
  mapTtl.dispose();
}

// 2. L2 hits, one at a time and 50 in flight: RedisCache.get and TieredCache.get (L1 of 1
// entry, so every read goes to Redis; invalidation tracking on) beside raw ioredis GET
// (+ JSON.parse, as a user would).
for (const concurrency of [1, 50]) {
  const tiered = new TieredCache({ l1: { max: 1 }, l2 });
  while (!tiered.l1Active) await new Promise((r) => setTimeout(r, 5));
  const run = (read) => async (i) => {
    if (concurrency === 1) return void (await read(keys[i % KEYS]));
    const all = [];
    for (let j = 0; j < concurrency; j++) all.push(read(keys[(i + j) % KEYS]));
    await Promise.all(all);
  };
  const results = ratiosTo(
    await compare(
      [
        { name: 'raw ioredis GET', fn: run((k) => raw.get(`${namespace}:${k}`)) },
        {
          name: 'raw ioredis GET + JSON.parse',
          fn: run(async (k) => JSON.parse(await raw.get(`${namespace}:${k}`))),
        },
        { name: 'RedisCache.get', fn: run((k) => l2.get(k)) },
        { name: 'TieredCache.get (L2 hit)', fn: run((k) => tiered.get(k)) },
      ],
      { ...timing, async: true, batch: concurrency },
    ),
    'RedisCache.get',
  );
  tables.push({
    title: `L2 hit, ${concurrency === 1 ? 'one read at a time' : `${concurrency} reads in flight`} (target: >= 0.9x raw GET)`,
    columns: ['candidate', 'ops/s (median)', 'min', 'max', 'RedisCache.get ÷ this'],
    rows: results.map((r) => row(r, [`${r.ratio.toFixed(2)}x`])),
    note: 'Each RedisCache call has a deadline (one shared timer per cache), a readiness and breaker check, a pending bound and a safe JSON parse.',
  });
  await tiered.close();
}

// 3. Batches of 100 keys: getMany (one MGET) beside 100 pipelined raw GETs and a raw MGET.
{
  const N = 100;
  const results = ratiosTo(
    await compare(
      [
        {
          name: 'raw pipeline of 100 GET',
          fn: async (i) => {
            const p = raw.pipeline();
            for (let j = 0; j < N; j++) p.get(`${namespace}:${keys[(i + j) % KEYS]}`);
            const out = await p.exec();
            for (const [, text] of out) JSON.parse(text);
          },
        },
        {
          name: 'raw MGET of 100',
          fn: async (i) => {
            const ks = [];
            for (let j = 0; j < N; j++) ks.push(`${namespace}:${keys[(i + j) % KEYS]}`);
            for (const text of await raw.mget(ks)) JSON.parse(text);
          },
        },
        {
          name: 'RedisCache.getMany(100)',
          fn: async (i) => {
            const ks = [];
            for (let j = 0; j < N; j++) ks.push(keys[(i + j) % KEYS]);
            await l2.getMany(ks);
          },
        },
      ],
      { ...timing, async: true, batch: N },
    ),
    'RedisCache.getMany(100)',
  );
  tables.push({
    title: 'getMany of 100 keys (keys/s)',
    columns: ['candidate', 'keys/s (median)', 'min', 'max', 'getMany ÷ this'],
    rows: results.map((r) => row(r, [`${r.ratio.toFixed(2)}x`])),
    note: 'Raw candidates JSON.parse every value too, so all three return the same objects.',
  });
}

// 4. Invalidation propagation between two processes: a raw-client SET in this one (as any
// writer, in any language), the invalidation's receipt in the other (CLIENT TRACKING).
{
  const child = fork(new URL('./listener.mjs', import.meta.url), [], {
    env: { ...process.env, REDIS_URL: url, NAMESPACE: namespace },
  });
  const waiters = new Map();
  let ready;
  const isReady = new Promise((resolve, reject) => {
    ready = resolve;
    child.once('exit', (code) => reject(new Error(`the listener process exited (code ${code})`)));
  });
  child.on('message', (m) => {
    if (m.event === 'ready') ready();
    else if (m.event === 'invalidated') waiters.get(m.key)?.(m.at);
  });
  await isReady;
  child.removeAllListeners('exit');
  const SAMPLES = quick ? 200 : 1000;
  const latencies = [];
  for (let i = 0; i < SAMPLES; i++) {
    const key = `prop${i}`;
    const received = new Promise((r) => waiters.set(key, r));
    const start = performance.timeOrigin + performance.now();
    await raw.set(`${namespace}:${key}`, JSON.stringify(value), 'PX', 60_000);
    const at = await received;
    waiters.delete(key);
    latencies.push(at - start);
  }
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  tables.push({
    title: 'Invalidation propagation between two processes',
    columns: ['samples', 'p50', 'p90', 'p99', 'max'],
    rows: [[SAMPLES, ...[q(0.5), q(0.9), q(0.99), latencies.at(-1)].map((ms) => `${ms.toFixed(3)} ms`)]],
    note: 'From the start of a raw ioredis `SET` in one process to the invalidation arriving in the other (Redis CLIENT TRACKING, BCAST on the namespace), one write at a time.',
  });
  child.send('close');
  await new Promise((r) => child.once('exit', r));
}

await l2.clear();
await l2.close();
await raw.quit();

notes.push(`Redis at ${url} on loopback; values are a ${JSON.stringify(value).length}-byte JSON object.`);
writeSuite('redis', {
  title: 'Redis tier (@leakproof/redis) vs raw ioredis and BoundedMap',
  command: `node --expose-gc benchmarks/redis/run.mjs${quick ? ' --quick' : ''}`,
  tables,
  notes,
});
