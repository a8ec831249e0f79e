#!/usr/bin/env node --expose-gc
// The fleet watcher's own memory: this process runs only watchFleet over 20 real endpoints
// (demo services in child processes), and every 30 s forces a collection and records its heap
// and RSS. Writes results/fleet-watcher-memory.json.
//
//   pnpm --filter @leakproof/memwatch build
//   node --expose-gc benchmarks/fleet/watcher-memory.mjs [--minutes 30] [--endpoints 20] [--interval 1000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { watchFleet } from '@leakproof/memwatch/fleet';
import { startService, stopService } from '../../examples/fleet-demo/demo.mjs';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    endpoints: { type: 'string', default: '20' },
    interval: { type: 'string', default: '1000' },
  },
});
const minutes = Number(values.minutes);
const services = [];
for (let i = 0; i < Number(values.endpoints); i++) {
  services.push(await startService(`svc-${i + 1}`, i === 0 ? 10_000 : 0));
}
const fleet = watchFleet({
  targets: services.map((s) => ({ name: s.name, url: s.url })),
  intervalMs: Number(values.interval),
});
const startedAt = Date.now();
const readings = [];
function read() {
  globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  readings.push({
    seconds: Math.round((Date.now() - startedAt) / 1000),
    rounds: fleet.stats().rounds,
    heapUsed,
    rss,
  });
  process.stderr.write(
    `${readings.at(-1).seconds} s: heap ${(heapUsed / 1e6).toFixed(2)} MB, rss ${(rss / 1e6).toFixed(1)} MB\n`,
  );
}
read();
await new Promise((resolve) => {
  const every = setInterval(read, 30_000);
  setTimeout(() => {
    clearInterval(every);
    resolve();
  }, minutes * 60_000);
});
read();
fleet.dispose();
await Promise.all(services.map(stopService));
// Theil–Sen slope of heap over time, after the first five minutes (history filling up).
const steady = readings.filter((r) => r.seconds >= 300);
const slopes = [];
for (let i = 0; i < steady.length; i++)
  for (let j = i + 1; j < steady.length; j++)
    slopes.push((steady[j].heapUsed - steady[i].heapUsed) / (steady[j].seconds - steady[i].seconds));
slopes.sort((a, b) => a - b);
const out = {
  minutes,
  endpoints: services.length,
  intervalMs: Number(values.interval),
  rounds: fleet.stats().rounds,
  scrapes: fleet.stats().scrapes,
  heapFirstMB: +(readings[0].heapUsed / 1e6).toFixed(2),
  heapAt5MinMB: steady.length > 0 ? +(steady[0].heapUsed / 1e6).toFixed(2) : null,
  heapLastMB: +(readings.at(-1).heapUsed / 1e6).toFixed(2),
  heapMaxMB: +(Math.max(...readings.map((r) => r.heapUsed)) / 1e6).toFixed(2),
  steadySlopeBytesPerSecond: slopes.length > 0 ? +slopes[slopes.length >> 1].toFixed(2) : null,
  rssLastMB: +(readings.at(-1).rss / 1e6).toFixed(1),
  readings,
  finishedAt: new Date().toISOString(),
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/fleet-watcher-memory.json', import.meta.url),
  `${JSON.stringify(out, null, 2)}\n`,
);
const { readings: _r, ...summary } = out;
console.log(JSON.stringify(summary, null, 2));
