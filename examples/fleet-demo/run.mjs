#!/usr/bin/env node
// `pnpm demo:fleet`: three small HTTP services under autocannon, one of them with a seeded
// leak; memwatch's fleet watcher scrapes their /status/memory and must name the leaking one,
// and none of the healthy ones. Prints each round's ranking and, at the end, who was flagged
// after how long. Exits 0 when the verdict is right, 1 otherwise.
//
//   node examples/fleet-demo/run.mjs [--leak-bytes-per-second 100000] [--connections 30] [--max-seconds 600]
import { parseArgs } from 'node:util';
import { runFleetDemo } from './demo.mjs';

const { values } = parseArgs({
  options: {
    'leak-bytes-per-second': { type: 'string', default: '100000' },
    connections: { type: 'string', default: '30' },
    'max-seconds': { type: 'string', default: '600' },
    quiet: { type: 'boolean', default: false },
  },
});
const leak = Number(values['leak-bytes-per-second']);
const services = [
  { name: 'catalog', leakBytesPerSecond: 0 },
  { name: 'orders', leakBytesPerSecond: leak },
  { name: 'checkout', leakBytesPerSecond: 0 },
];
console.log(
  `Three services (catalog, orders, checkout) under autocannon with ${values.connections} connections;` +
    ` orders keeps ${leak / 1000} KB per second. Watching their /status/memory every 2 s…\n`,
);
const result = await runFleetDemo({
  services,
  connections: Number(values.connections),
  maxSeconds: Number(values['max-seconds']),
  log: values.quiet ? () => {} : (table) => console.log(table),
});
console.log(
  `Load: ${result.connections} connections, ${Math.round(result.requestsPerSecond)} requests/s in all,` +
    ` ${result.requests} requests in ${Math.round(result.seconds)} s.`,
);
for (const f of result.flagged) {
  console.log(
    `${f.name}: flagged as leaking after ${Math.round(f.afterSeconds)} s${f.leaking ? '' : ' (a FALSE alarm)'}`,
  );
}
for (const name of result.missed)
  console.log(`${name}: leaks, but was NOT flagged within ${values['max-seconds']} s`);
const healthy = services.filter((s) => s.leakBytesPerSecond === 0).map((s) => s.name);
const cleared = healthy.filter((n) => !result.falseAlarms.includes(n));
if (cleared.length > 0) console.log(`${cleared.join(', ')}: not flagged`);
const ok = result.missed.length === 0 && result.falseAlarms.length === 0;
console.log(ok ? '\nThe watcher named the leaking service, and only it.' : '\nThe watcher got it wrong.');
process.exitCode = ok ? 0 : 1;
