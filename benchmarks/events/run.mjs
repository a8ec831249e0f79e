// @leakproof/events beside node:events (what it replaces), eventemitter3 and tseep (what
// users pick for speed). Ratios of medians. Targets: emit >= 0.97x node:events; on + off >=
// 0.9x node:events; scope attach+dispose of 5 listeners within 1.5x of the same manual on/off.
//
// Each candidate is measured in a process of its own, as a program uses one emitter
// package: in one shared process whichever candidate V8 optimises first runs Node's add and
// remove paths faster (two identical node:events candidates differed by 26% by position
// alone), which swamped the differences measured here. The processes are interleaved,
// round-robin with the order rotated, so machine noise hits all alike; each one warms Node's
// own methods on eight other classes first, and times CPU time, not wall time (the machine is
// shared).
//
//   npx -y pnpm@10 build && node --expose-gc benchmarks/events/run.mjs

import { spawnSync } from 'node:child_process';
import { EventEmitter as NodeEventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createScope, EventEmitter } from '@leakproof/events';
import EventEmitter3 from 'eventemitter3';
import { EventEmitter as Tseep } from 'tseep';
import { fmt, writeSuite } from '../lib/harness.mjs';

const quick = process.argv.includes('--quick');
const childAt = process.argv.indexOf('--child');
const SUBJECT = '@leakproof/events';
// Rounds of processes, samples per process: on a shared machine the median of many short
// slices is steadier than a few long ones.
const timing = quick
  ? { rounds: 3, samples: 3, timeMs: 50, warmupMs: 60 }
  : { rounds: 7, samples: 5, timeMs: 60, warmupMs: 150 };

const impls = [
  { name: 'node:events', make: () => new NodeEventEmitter() },
  { name: SUBJECT, make: () => new EventEmitter() },
  { name: 'eventemitter3', make: () => new EventEmitter3() },
  { name: 'tseep', make: () => new Tseep() },
];

// In a real process node:events' emit (which leakproof's prototype shares) already runs on
// many classes — sockets, streams, http messages — so its inline caches are megamorphic.
// Reproduce that first, so neither emitter wins by being the first class emit's caches saw.
function warmNode() {
  const shapes = Array.from({ length: 8 }, (_, k) => {
    const Sub = class extends NodeEventEmitter {};
    const e = new Sub();
    e[`field${k}`] = k;
    e.on('tick', () => {});
    return e;
  });
  for (let i = 0; i < 20_000; i++) shapes[i % shapes.length].emit('tick', i);
  // The same for Node's add and remove paths (leakproof's on/off end in them too).
  const noop = () => {};
  for (let i = 0; i < 20_000; i++) {
    const e = shapes[i % shapes.length];
    e.on('warm', noop);
    e.off('warm', noop);
    e.once('warm', noop);
    e.emit('warm');
  }
}

// Each candidate's operation is compiled on its own (new Function) so its call sites see
// one emitter class only; a shared closure would measure megamorphic inline caches instead.
const compile = (body) => new Function('e', 'fns', `let sink = 0; return (i) => { ${body} };`);
const sink = { value: 0 };
const listeners = (n) =>
  Array.from({ length: n }, (_, k) => (v) => {
    sink.value += v + k;
  });

const scenarios = [
  {
    title: 'emit, 1 listener',
    setup: (e) => e.on('tick', listeners(1)[0]),
    body: 'sink ^= e.emit("tick", i) ? 1 : 0;',
  },
  {
    title: 'emit, 5 listeners',
    setup: (e) => {
      for (const f of listeners(5)) e.on('tick', f);
    },
    body: 'sink ^= e.emit("tick", i) ? 1 : 0;',
  },
  {
    title: 'on + off',
    setup: () => {},
    body: 'e.on("x", fns[0]); e.off("x", fns[0]);',
  },
  {
    title: 'once + emit',
    setup: () => {},
    body: 'e.once("x", fns[0]); e.emit("x", i);',
  },
];

// The groups measured: each candidate builds its operation (in the child process).
const groups = scenarios.map((scenario) => ({
  title: scenario.title,
  candidates: impls.map((impl) => ({
    name: impl.name,
    build: () => {
      const fns = listeners(5);
      const e = impl.make();
      scenario.setup(e);
      return compile(scenario.body)(e, fns);
    },
  })),
}));

// Scope attach + dispose of 5 listeners against doing the same by hand.
const manualBody =
  'for (let k = 0; k < 5; k++) e.on("change", fns[k]); for (let k = 4; k >= 0; k--) e.off("change", fns[k]);';
const SCOPE_BASE = 'manual 5 × on + 5 × off (leakproof emitter)';
groups.push({
  title: 'scope attach + dispose (5 listeners)',
  candidates: [
    {
      name: 'createScope(): 5 × scope.on + dispose',
      build: () => {
        const fns = listeners(5);
        const leak = new EventEmitter();
        return () => {
          const scope = createScope();
          for (let k = 0; k < 5; k++) scope.on(leak, 'change', fns[k]);
          scope.dispose();
        };
      },
    },
    {
      name: 'emitter.scope(): 5 × on + dispose',
      build: () => {
        const fns = listeners(5);
        const leak = new EventEmitter();
        return () => {
          const scope = leak.scope();
          for (let k = 0; k < 5; k++) scope.on('change', fns[k]);
          scope.dispose();
        };
      },
    },
    { name: SCOPE_BASE, build: () => compile(manualBody)(new EventEmitter(), listeners(5)) },
    {
      name: 'manual 5 × on + 5 × off (node:events)',
      build: () => compile(manualBody)(new NodeEventEmitter(), listeners(5)),
    },
  ],
});

// Construction: leakproof registers named emitters (weakly) in core's registry.
groups.push({
  title: 'new EventEmitter()',
  candidates: impls.map((impl) => ({
    name: impl.name,
    build: () => compile('sink ^= e() ? 1 : 0;')(impl.make),
  })),
});

/** ops/s of `fn` over `ms` of this process's CPU time. */
function measure(fn, ms) {
  const start = process.cpuUsage();
  let ops = 0;
  let used = 0;
  while (used < ms) {
    for (let k = 0; k < 256; k++) fn(ops++);
    const { user, system } = process.cpuUsage(start);
    used = (user + system) / 1000;
  }
  return (ops / used) * 1000;
}

if (childAt !== -1) {
  // One candidate in this process: warm Node's methods, build, warm the candidate, sample.
  const [g, c] = process.argv.slice(childAt + 1, childAt + 3).map(Number);
  warmNode();
  const fn = groups[g].candidates[c].build();
  measure(fn, timing.warmupMs);
  const samples = [];
  for (let k = 0; k < timing.samples; k++) samples.push(measure(fn, timing.timeMs));
  process.stdout.write(JSON.stringify(samples));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Every candidate of group `g`, each in its own processes, round-robin with the order rotated. */
function compareInProcesses(g) {
  const { candidates } = groups[g];
  const samples = candidates.map(() => []);
  for (let r = 0; r < timing.rounds; r++) {
    for (let k = 0; k < candidates.length; k++) {
      const c = (k + r) % candidates.length;
      const args = ['--expose-gc', self, '--child', String(g), String(c)];
      if (quick) args.push('--quick');
      const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`${candidates[c].name}: ${child.stderr}`);
      samples[c].push(...JSON.parse(child.stdout));
    }
  }
  return candidates.map((candidate, c) => ({ name: candidate.name, opsPerSec: median(samples[c]) }));
}

const tables = [];
const summary = {};
for (let g = 0; g < groups.length; g++) {
  const { title } = groups[g];
  const results = compareInProcesses(g);
  summary[title] = Object.fromEntries(results.map((r) => [r.name, r.opsPerSec]));
  if (title.startsWith('scope')) {
    const base = summary[title][SCOPE_BASE];
    tables.push({
      title: 'scope attach + dispose, 5 listeners',
      columns: ['variant', 'ops/s', 'cost vs manual on/off (leakproof emitter)'],
      rows: results.map((r) => [r.name, fmt(r.opsPerSec), `${(base / r.opsPerSec).toFixed(2)}x`]),
      note: 'Cost column: time per operation relative to manual on/off on the same emitter (1.00x = same; target ≤ 1.5x).',
    });
    continue;
  }
  const subject = summary[title][SUBJECT];
  tables.push({
    title,
    columns: ['implementation', 'ops/s', 'leakproof ÷ this'],
    rows: results.map((r) => [r.name, fmt(r.opsPerSec), `${(subject / r.opsPerSec).toFixed(2)}x`]),
    ...(title === 'new EventEmitter()'
      ? {
          note: 'An unnamed emitter registers nowhere; a named one registers (weakly) in the registry memwatch reads.',
        }
      : {}),
  });
}

const ratio = (title, other) => summary[title][SUBJECT] / summary[title][other];
const scopeCost =
  summary['scope attach + dispose (5 listeners)'][SCOPE_BASE] /
  summary['scope attach + dispose (5 listeners)']['createScope(): 5 × scope.on + dispose'];
const target = (title, min) =>
  `${title}: ${ratio(title, 'node:events').toFixed(2)}x node:events (target ≥ ${min}x: ${ratio(title, 'node:events') >= min ? 'met' : 'missed'})`;
const notes = [
  target('emit, 1 listener', 0.97),
  target('emit, 5 listeners', 0.97),
  target('on + off', 0.9),
  `scope attach + dispose: ${scopeCost.toFixed(2)}x the time of manual on/off (target ≤ 1.5x: ${scopeCost <= 1.5 ? 'met' : 'missed'})`,
  'emit is node:events’ own function (a data property of the leakproof prototype that follows a replaced node:events emit).',
];

writeSuite('events', {
  title: 'events: @leakproof/events vs node:events, eventemitter3, tseep',
  command: 'npx -y pnpm@10 build && node --expose-gc benchmarks/events/run.mjs',
  tables,
  notes,
  summary,
});
