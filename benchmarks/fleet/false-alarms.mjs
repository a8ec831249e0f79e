#!/usr/bin/env node
// False alarms: healthy services only, under steady load, watched at the default thresholds
// for a long run. Every service flagged is a false alarm. Writes
// results/fleet-false-alarms-<rate>rps.json (--rate 0: as fast as it goes, -full-load.json).
//
//   pnpm --filter @leakproof/memwatch build
//   node benchmarks/fleet/false-alarms.mjs [--minutes 30] [--services 3] [--rate 500] [--connections 30] [--interval 5000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runFleetDemo } from '../../examples/fleet-demo/demo.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    services: { type: 'string', default: '3' },
    rate: { type: 'string', default: '500' },
    connections: { type: 'string', default: '30' },
    interval: { type: 'string', default: '5000' },
  },
});
const minutes = Number(values.minutes);
const services = Array.from({ length: Number(values.services) }, (_, i) => ({
  name: `healthy-${i + 1}`,
  leakBytesPerSecond: 0,
}));
let maxSlope = 0;
let minP = 1;
let rounds = 0;
const result = await runFleetDemo({
  services,
  connections: Number(values.connections),
  rate: values.rate === '0' ? undefined : Number(values.rate),
  maxSeconds: minutes * 60,
  stopWhenFlagged: false,
  intervalMs: Number(values.interval),
  onRound(report) {
    rounds = report.rounds;
    for (const s of report.services) {
      if (s.bytesPerSecond !== null && s.verdict !== 'warming')
        maxSlope = Math.max(maxSlope, s.bytesPerSecond);
      if (s.pIncreasing !== null) minP = Math.min(minP, s.pIncreasing);
    }
    if (rounds % 60 === 0)
      process.stderr.write(
        `${rounds} rounds, ${report.services.filter((s) => s.flaggedAt !== null).length} flagged\n`,
      );
  },
});
const out = {
  minutes,
  intervalMs: Number(values.interval),
  services: services.length,
  connections: result.connections,
  requestsPerSecond: Math.round(result.requestsPerSecond),
  requests: result.requests,
  rounds: result.rounds,
  falseAlarms: result.falseAlarms,
  flagged: result.flagged,
  largestJudgedSlopeBytesPerSecond: Math.round(maxSlope),
  smallestPIncreasing: minP,
  final: result.report.services.map((s) => ({
    name: s.name,
    verdict: s.verdict,
    samples: s.samples,
    bytesPerSecond: s.bytesPerSecond === null ? null : Math.round(s.bytesPerSecond),
    pIncreasing: s.pIncreasing,
  })),
  finishedAt: new Date().toISOString(),
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const name = values.rate === '0' ? 'full-load' : `${values.rate}rps`;
writeFileSync(
  new URL(`./results/fleet-false-alarms-${name}.json`, import.meta.url),
  `${JSON.stringify(out, null, 2)}\n`,
);
console.log(JSON.stringify(out, null, 2));
