// memwatch's leak finder: accuracy over the gallery's scenes and leak programs of other
// shapes, no site for bounded memory, its cost (time to a verdict, peak memory, the retainer
// snapshot), and the live route's overhead on an HTTP service under load.
// Run after `npx -y pnpm@10 build`: `node --expose-gc benchmarks/memwatch/run.mjs [--quick]`.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { fmt, writeSuite } from '../lib/harness.mjs';
import { programs } from './programs.mjs';

const run = promisify(execFile);
const here = (file) => new URL(file, import.meta.url).pathname;
const quick = process.argv.includes('--quick');
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;

// Paths in the results are relative to the repository: a machine's own layout stays out of them.
const root = new URL('../../', import.meta.url).pathname;
const relative = (text) => text.replaceAll(root, '');

async function profileOne(id, retainers) {
  const args = ['--expose-gc', here('./find-one.mjs'), id, ...(retainers ? ['--retainers'] : [])];
  const { stdout } = await run(process.execPath, args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout);
}

// Accuracy and cost.
const rows = [];
const costs = [];
let hits = 0;
let holderHits = 0;
let leaks = 0;
let quiet = 0;
let bounded = 0;
for (const program of programs) {
  process.stderr.write(`${program.id}\n`);
  const verdict = await profileOne(program.id, false);
  if (program.allocates === undefined) {
    bounded++;
    if (verdict.sites.length === 0) quiet++;
    rows.push([
      program.id,
      'none',
      verdict.sites[0]?.location.replace(/ \(.*/, '') ?? 'none',
      '',
      '',
      sec(verdict.durationMs),
    ]);
    continue;
  }
  leaks++;
  const withPaths = await profileOne(program.id, true);
  const top = withPaths.sites[0];
  const hit = top?.userFrames.slice(0, 2).includes(program.allocates) === true;
  const holderHit = top?.retainers !== undefined && program.holder.test(top.retainers);
  if (hit) hits++;
  if (holderHit) holderHits++;
  rows.push([
    program.id,
    program.allocates,
    top === undefined ? 'none' : top.userFrames.slice(0, 2).join(' ← '),
    top === undefined ? '' : fmt(top.bytesPerOp),
    `${holderHit ? 'yes' : 'no'}: ${relative(top?.retainers ?? '').slice(0, 90)}`,
    sec(verdict.durationMs),
  ]);
  costs.push({
    id: program.id,
    verdictMs: verdict.durationMs,
    extraRss: verdict.peakRss - verdict.rssBefore,
    retainersMs: withPaths.durationMs - verdict.durationMs,
    retainersRss: withPaths.peakRss - withPaths.rssBefore,
  });
}

// The live route's overhead: requests per second with and without a profile running.
async function overhead(windows, seconds) {
  const server = spawn(process.execPath, [here('./http-server.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve) =>
    server.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  const base = `http://127.0.0.1:${port}`;
  const load = async () => {
    const { stdout } = await run(process.execPath, [
      here('./http-load.mjs'),
      `${base}/work`,
      String(seconds),
      '16',
    ]);
    return Number(stdout) / seconds;
  };
  const plain = [];
  const profiled = [];
  try {
    await load(); // warm-up
    for (let w = 0; w < windows; w++) {
      plain.push(await load());
      const profile = fetch(`${base}/status/memory/profile?seconds=${seconds}`, {
        headers: { authorization: 'Bearer benchmark-token-0123456789' },
      }).then((r) => r.text());
      profiled.push(await load());
      await profile;
    }
  } finally {
    server.kill();
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return { plain: median(plain), profiled: median(profiled), plainAll: plain, profiledAll: profiled };
}
process.stderr.write('route overhead\n');
const route = await overhead(quick ? 1 : 5, quick ? 3 : 8);
const overheadPct = (1 - route.profiled / route.plain) * 100;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const max = (xs) => Math.max(...xs);
writeSuite('memwatch', {
  title: 'memwatch: finding leaks',
  command: 'node --expose-gc benchmarks/memwatch/run.mjs',
  tables: [
    {
      title: `Accuracy: the top site is the allocating function ${hits}/${leaks}, the retainer path names the holder ${holderHits}/${leaks}, bounded memory reports no site ${quiet}/${bounded}`,
      columns: [
        'program',
        'allocates',
        'top site (innermost user frames)',
        'B/op',
        'retainer path names the holder',
        'verdict',
      ],
      rows,
      note: "Each program runs in a fresh process: `findLeaks(op, { ops: 20000, top: 3 })`, then again with `retainers: true`. A hit: the expected function is the top site's innermost user frame or the one under it.",
    },
    {
      title: 'Cost',
      columns: ['figure', 'median', 'max'],
      rows: [
        [
          'time to a verdict (20,000 ops, no retainers)',
          sec(median(costs.map((c) => c.verdictMs))),
          sec(max(costs.map((c) => c.verdictMs))),
        ],
        [
          'peak extra RSS during the verdict',
          mib(median(costs.map((c) => c.extraRss))),
          mib(max(costs.map((c) => c.extraRss))),
        ],
        [
          'extra time for retainers: true',
          sec(median(costs.map((c) => c.retainersMs))),
          sec(max(costs.map((c) => c.retainersMs))),
        ],
        [
          'peak extra RSS with retainers: true',
          mib(median(costs.map((c) => c.retainersRss))),
          mib(max(costs.map((c) => c.retainersRss))),
        ],
        [
          `route at its default interval (512 KiB), HTTP throughput with / without a profile running`,
          `${fmt(route.profiled)} / ${fmt(route.plain)} req/s (${overheadPct.toFixed(1)}% less)`,
          '',
        ],
      ],
      note: `Route: a node:http JSON service (~3 KB per response), 16 keep-alive connections from another process, ${quick ? 1 : 5} alternating windows of ${quick ? 3 : 8} s each way, medians; the load generator shares the machine's 2 cores with the service. Windows without: ${route.plainAll.map((x) => fmt(x)).join(', ')}; with: ${route.profiledAll.map((x) => fmt(x)).join(', ')}.`,
    },
  ],
  notes: [],
});
