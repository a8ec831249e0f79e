// iter stages suite: items per second through each stage on its hot path (an array source and
// an async-generator source), one stage at a time.
//
// With `--baseline <dir>` (a folder holding another build's `index.js`, e.g. a copy of
// packages/iter/dist made before a refactor, next to a node_modules that resolves
// @leakproof/core) it compares the two builds: each build runs in its own process (two
// builds in one process share call sites such as the `for await` below, and the JIT feedback
// of one skews the other), the processes alternate, and each row reports the median over the
// runs of each build and the ratio. Alternating runs spread machine noise over both builds.
//
// Run: npx -y pnpm@10 build && node --expose-gc benchmarks/iter/stages.mjs [--baseline <dir>] [--runs 5] [--only <stage>] [--quick]
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, markdownTable } from '../lib/harness.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const quick = args.includes('--quick');
// `--only chunk` measures only the stages whose name contains the text.
const only = option('--only');
const timing = quick ? { timeMs: 100, rounds: 3, warmupMs: 50 } : { timeMs: 200, rounds: 5, warmupMs: 100 };

// Items per run (`--items`): larger runs weigh the per-item path more than building the stage.
const N = Number(option('--items') ?? 10_000);
const array = Array.from({ length: N }, (_, i) => i);
async function* numbers(n) {
  for (let i = 0; i < n; i++) yield i;
}
const sources = { array: () => array, async: () => numbers(N) };

const inc = (x) => x + 1;
const asyncInc = async (x) => x + 1;
const stages = {
  from: (it, s) => it.from(s),
  'map (sync fn)': (it, s) => it.map(s, inc),
  'map (async fn)': (it, s) => it.map(s, asyncInc),
  filter: (it, s) => it.filter(s, (x) => (x & 1) === 0),
  take: (it, s) => it.take(s, N),
  buffer: (it, s) => it.buffer(s, 16),
  chunk: (it, s) => it.chunk(s, 100),
  mapConcurrent: (it, s) => it.mapConcurrent(s, asyncInc, { concurrency: 4 }),
  'mapConcurrent (unordered)': (it, s) => it.mapConcurrent(s, asyncInc, { concurrency: 4, ordered: false }),
  'merge (2 sources)': (it, s, other) => it.merge([s, other]),
  'flatMap (concurrency 1)': (it, s) => it.flatMap(s, (x) => [x, x]),
};

async function drain(iterable) {
  for await (const _ of iterable);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Items per second of CPU time: the machine may be shared, and a process that is descheduled
 * loses wall-clock time but not CPU time, so CPU time is the steadier figure for code that
 * never waits on I/O (every source here is in memory).
 */
async function itemsPerCpuSecond(fn, ms) {
  let items = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < ms * 1000) {
    items += await fn();
    const now = process.cpuUsage(start);
    used = now.user + now.system;
  }
  return (items / used) * 1e6;
}

/** One build, every row: `{ row: itemsPerCpuSecond }` (median of the rounds). */
async function measure(build) {
  const it = build === undefined ? await import('@leakproof/iter') : await import(build);
  const out = {};
  for (const [stage, make] of Object.entries(stages)) {
    if (only !== undefined && !stage.includes(only)) continue;
    for (const [kind, source] of Object.entries(sources)) {
      // Items read from the sources per run: merge reads two sources.
      const items = stage.startsWith('merge') ? 2 * N : N;
      const fn = () => drain(make(it, source(), source())).then(() => items);
      await itemsPerCpuSecond(fn, timing.warmupMs);
      const rounds = [];
      for (let r = 0; r < timing.rounds; r++) rounds.push(await itemsPerCpuSecond(fn, timing.timeMs));
      out[`${stage}, ${kind} source`] = median(rounds);
    }
  }
  return out;
}

const worker = option('--worker');
const baselineDir = option('--baseline');
if (worker !== undefined) {
  const build = worker === 'current' ? undefined : pathToFileURL(resolve(worker, 'index.js')).href;
  process.stdout.write(JSON.stringify(await measure(build)));
} else if (baselineDir === undefined) {
  const figures = await measure(undefined);
  console.log(`\n## iter stages: items per second through each stage (${fmt(N)} items per run)\n`);
  console.log(
    markdownTable(
      ['stage', 'items per CPU second'],
      Object.entries(figures).map(([row, ops]) => [row, fmt(ops)]),
    ),
  );
} else {
  const runs = Number(option('--runs') ?? 5);
  const self = fileURLToPath(import.meta.url);
  const run = (which) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          '--expose-gc',
          self,
          '--worker',
          which,
          ...(quick ? ['--quick'] : []),
          ...(only ? ['--only', only] : []),
          '--items',
          String(N),
        ],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      ),
    );
  const samples = { current: [], baseline: [] };
  for (let r = 0; r < runs; r++) {
    // Alternate which build goes first, so neither always runs on a warmer or quieter machine.
    const order = r % 2 === 0 ? ['current', 'baseline'] : ['baseline', 'current'];
    for (const which of order) samples[which].push(run(which === 'current' ? 'current' : baselineDir));
  }
  const rows = Object.keys(samples.current[0]).map((row) => {
    const now = median(samples.current.map((s) => s[row]));
    const before = median(samples.baseline.map((s) => s[row]));
    return [row, fmt(before), fmt(now), `${(now / before).toFixed(3)}x`];
  });
  const ratios = rows.map((r) => Number.parseFloat(r[3]));
  console.log(
    `\n## iter stages: current build vs baseline (${fmt(N)} items per run, median of ${runs} runs each)\n`,
  );
  console.log(
    markdownTable(['stage', 'items/CPU s (baseline)', 'items/CPU s (current)', 'current ÷ baseline'], rows),
  );
  console.log(
    `\nGeometric mean of the ratios: ${Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length).toFixed(3)}x; node ${process.version}.`,
  );
}
