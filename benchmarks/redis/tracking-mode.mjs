// CLIENT TRACKING: BCAST on the namespace prefix (what TieredCache uses) against the default
// mode (the server remembers every key each reading connection read). Measures, on a Redis
// of its own making nothing else talks to (REDIS_URL, default redis://127.0.0.1:6379, keys
// under one throwaway prefix): the server memory the tracking table takes, GET throughput
// on a tracked reading connection, and invalidation messages per write.
// Run:  node benchmarks/redis/tracking-mode.mjs
import { Redis } from 'ioredis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `lpbench-track-${process.pid}:`;
const KEYS = 50_000;
const CONCURRENCY = 50;
const admin = new Redis(url);
const info = async (field) => Number(new RegExp(`${field}:(\\d+)`).exec(await admin.info())?.[1] ?? 0);

async function filled() {
  const p = admin.pipeline();
  for (let i = 0; i < KEYS; i++) p.set(`${prefix}${i}`, 'x'.repeat(64), 'PX', 120_000);
  await p.exec();
}

/** A reading connection and its redirect target, tracking in `mode` ('off' | 'default' | 'bcast'). */
async function setup(mode) {
  const sink = new Redis(url);
  const reader = new Redis(url);
  let messages = 0;
  sink.on('messageBuffer', () => messages++);
  const id = await sink.client('ID');
  await sink.subscribe('__redis__:invalidate');
  if (mode === 'default') await reader.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(id));
  if (mode === 'bcast') {
    const tracker = new Redis(url);
    await tracker.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(id), 'BCAST', 'PREFIX', prefix);
    sink.once('end', () => tracker.disconnect());
  }
  return { sink, reader, messages: () => messages };
}

async function readAll(reader) {
  const started = performance.now();
  for (let i = 0; i < KEYS; i += CONCURRENCY) {
    const batch = [];
    for (let j = i; j < Math.min(KEYS, i + CONCURRENCY); j++) batch.push(reader.get(`${prefix}${j}`));
    await Promise.all(batch);
  }
  return KEYS / ((performance.now() - started) / 1000);
}

await filled();
const rows = [];
for (const mode of ['off', 'default', 'bcast']) {
  const memoryBefore = await info('used_memory');
  const { sink, reader, messages } = await setup(mode);
  const opsPerSec = await readAll(reader);
  const trackedKeys = await info('tracking_total_keys');
  const memoryAfter = await info('used_memory');
  // Another client rewrites every key.
  const before = messages();
  const p = admin.pipeline();
  for (let i = 0; i < KEYS; i++) p.set(`${prefix}${i}`, 'y'.repeat(64), 'PX', 120_000);
  await p.exec();
  await new Promise((r) => setTimeout(r, 500));
  rows.push(
    `| ${mode} | ${Math.round(opsPerSec)} | ${trackedKeys} | ${((memoryAfter - memoryBefore) / 1024 / 1024).toFixed(1)} MiB | ${messages() - before} |`,
  );
  reader.disconnect();
  sink.disconnect();
  await new Promise((r) => setTimeout(r, 200));
}
console.log(
  `${KEYS} keys read once by one connection (${CONCURRENCY} in flight), then all rewritten by another client:\n`,
);
console.log(
  '| tracking | GET ops/s while reading | keys in the tracking table | server memory while tracking | invalidation messages for the rewrite |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
const p = admin.pipeline();
for (let i = 0; i < KEYS; i++) p.unlink(`${prefix}${i}`);
await p.exec();
admin.disconnect();
