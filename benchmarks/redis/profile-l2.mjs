// Where the time of an L2 hit goes: TieredCache.get with 50 reads in flight for a few
// seconds, under the V8 profiler; prints the functions with the most self time.
// Run after a build:  node benchmarks/redis/profile-l2.mjs
import { Session } from 'node:inspector/promises';
import { RedisCache, TieredCache } from '@leakproof/redis';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `lpbench-prof-${process.pid}`;
const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
const l2 = new RedisCache({ redis: url, namespace, ttl: 120_000 });
await l2.setMany(keys.map((k) => [k, { id: 42, name: 'Desk lamp', price: 39.9, tags: ['lighting'] }]));
const tiered = new TieredCache({ l1: { max: 1 }, l2 });
while (!tiered.l1Active) await new Promise((r) => setTimeout(r, 5));

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const until = performance.now() + 3000;
let i = 0;
while (performance.now() < until) {
  const all = [];
  for (let j = 0; j < 50; j++) all.push(tiered.get(keys[i++ % keys.length]));
  await Promise.all(all);
}
const { profile } = await session.post('Profiler.stop');
const self = new Map();
const dt = profile.timeDeltas;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
profile.samples.forEach((id, k) => {
  const n = byId.get(id);
  const { functionName, url: file, lineNumber } = n.callFrame;
  const where = `${functionName || '(anonymous)'} ${file.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  self.set(where, (self.get(where) ?? 0) + (dt[k] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [where, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
  console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${where}`);
}
await tiered.close();
await l2.clear();
await l2.close();
