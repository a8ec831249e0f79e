#!/usr/bin/env node
// Time to flag: one leaking service beside two healthy ones, under load, watched at the default
// thresholds; how long until the leaking one is flagged (and whether a healthy one ever is).
// Writes results/fleet-time-to-flag.json.
//
//   pnpm --filter @leakproof/memwatch build
//   node benchmarks/fleet/time-to-flag.mjs [--rates 100000,10000] [--runs 3] [--connections 30] [--max-seconds 900]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFleetDemo } from '../../examples/fleet-demo/demo.mjs';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '100000,10000' },
    runs: { type: 'string', default: '3' },
    connections: { type: 'string', default: '30' },
    rate: { type: 'string', default: '0' },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const rows = [];
for (const leak of values.rates.split(',').map(Number)) {
  for (let run = 1; run <= Number(values.runs); run++) {
    const result = await runFleetDemo({
      services: [
        { name: 'catalog', leakBytesPerSecond: 0 },
        { name: 'orders', leakBytesPerSecond: leak },
        { name: 'checkout', leakBytesPerSecond: 0 },
      ],
      connections: Number(values.connections),
      rate: values.rate === '0' ? undefined : Number(values.rate),
      maxSeconds: Number(values['max-seconds']),
    });
    const orders = result.flagged.find((f) => f.name === 'orders');
    const measured = result.report.services.find((s) => s.name === 'orders');
    const row = {
      leakBytesPerSecond: leak,
      run,
      flaggedAfterSeconds: orders === undefined ? null : Math.round(orders.afterSeconds),
      slopeAtFlagBytesPerSecond:
        measured?.bytesPerSecond === null ? null : Math.round(measured.bytesPerSecond),
      falseAlarms: result.falseAlarms,
      requestsPerSecond: Math.round(result.requestsPerSecond),
      connections: result.connections,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('./results/fleet-time-to-flag.json', import.meta.url),
  `${JSON.stringify({ finishedAt: new Date().toISOString(), rows }, null, 2)}\n`,
);
