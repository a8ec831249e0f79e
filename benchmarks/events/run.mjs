// @leakproof/events beside node:events (what it replaces), eventemitter3 and tseep (what
// users pick for speed). Interleaved rounds, medians, ratios. Targets: emit >= 0.97x
// node:events; on + off >= 0.9x node:events; scope attach+dispose of 5 listeners within
// 1.5x of the same manual on/off.
//
//   npx -y pnpm@10 build && node --expose-gc benchmarks/events/run.mjs
import { EventEmitter as NodeEventEmitter } from 'node:events';
import { createScope, EventEmitter } from '@leakproof/events';
import EventEmitter3 from 'eventemitter3';
import { EventEmitter as Tseep } from 'tseep';
import { compare, fmt, ratiosTo, writeSuite } from '../lib/harness.mjs';

const quick = process.argv.includes('--quick');
const SUBJECT = '@leakproof/events';
// Many short rounds: on a shared machine the median of many slices is steadier than a few long ones.
const timing = quick ? { timeMs: 60, rounds: 5, warmupMs: 40 } : { timeMs: 60, rounds: 25, warmupMs: 100 };

// node:events first, so whatever ordering effect remains favours it rather than leakproof.
const impls = [
  { name: 'node:events', make: () => new NodeEventEmitter() },
  { name: SUBJECT, make: () => new EventEmitter() },
  { name: 'eventemitter3', make: () => new EventEmitter3() },
  { name: 'tseep', make: () => new Tseep() },
];

// In a real process node:events' emit (which leakproof's prototype shares) already runs on
// many classes — sockets, streams, http messages — so its inline caches are megamorphic.
// Reproduce that first, so neither emitter wins by being the first class emit's caches saw.
{
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

const tables = [];
const summary = {};
for (const scenario of scenarios) {
  const fns = listeners(5);
  const candidates = impls.map((impl) => {
    const e = impl.make();
    scenario.setup(e);
    return { name: impl.name, fn: compile(scenario.body)(e, fns) };
  });
  const results = ratiosTo(await compare(candidates, timing), SUBJECT);
  summary[scenario.title] = Object.fromEntries(results.map((r) => [r.name, r.opsPerSec]));
  tables.push({
    title: scenario.title,
    columns: ['implementation', 'ops/s', 'leakproof ÷ this'],
    rows: results.map((r) => [r.name, fmt(r.opsPerSec), `${r.ratio.toFixed(2)}x`]),
  });
}

// Scope attach + dispose of 5 listeners against doing the same by hand.
{
  const fns = listeners(5);
  const leak = new EventEmitter();
  const node = new NodeEventEmitter();
  // Compiled per candidate, like the rows above, so each sees one emitter class.
  const manual = (e) =>
    compile(
      'for (let k = 0; k < 5; k++) e.on("change", fns[k]); for (let k = 4; k >= 0; k--) e.off("change", fns[k]);',
    )(e, fns);
  const candidates = [
    {
      name: 'createScope(): 5 × scope.on + dispose',
      fn: () => {
        const scope = createScope();
        for (let k = 0; k < 5; k++) scope.on(leak, 'change', fns[k]);
        scope.dispose();
      },
    },
    {
      name: 'emitter.scope(): 5 × on + dispose',
      fn: () => {
        const scope = leak.scope();
        for (let k = 0; k < 5; k++) scope.on('change', fns[k]);
        scope.dispose();
      },
    },
    { name: 'manual 5 × on + 5 × off (leakproof emitter)', fn: manual(leak) },
    { name: 'manual 5 × on + 5 × off (node:events)', fn: manual(node) },
  ];
  const results = ratiosTo(await compare(candidates, timing), 'manual 5 × on + 5 × off (leakproof emitter)');
  summary['scope attach + dispose (5 listeners)'] = Object.fromEntries(
    results.map((r) => [r.name, r.opsPerSec]),
  );
  tables.push({
    title: 'scope attach + dispose, 5 listeners',
    columns: ['variant', 'ops/s', 'cost vs manual on/off (leakproof emitter)'],
    rows: results.map((r) => [r.name, fmt(r.opsPerSec), `${r.ratio.toFixed(2)}x`]),
    note: 'Cost column: time per operation relative to manual on/off on the same emitter (1.00x = same; target ≤ 1.5x).',
  });
}

// Construction: leakproof registers each emitter (weakly) in core's registry.
{
  const candidates = impls.map((impl) => ({
    name: impl.name,
    fn: compile('sink ^= e() ? 1 : 0;')(impl.make),
  }));
  const results = ratiosTo(await compare(candidates, timing), SUBJECT);
  summary['new EventEmitter()'] = Object.fromEntries(results.map((r) => [r.name, r.opsPerSec]));
  tables.push({
    title: 'new EventEmitter()',
    columns: ['implementation', 'ops/s', 'leakproof ÷ this'],
    rows: results.map((r) => [r.name, fmt(r.opsPerSec), `${r.ratio.toFixed(2)}x`]),
    note: 'Construction includes the weak registration in the registry that memwatch reads.',
  });
}

const ratio = (title, other) => summary[title][SUBJECT] / summary[title][other];
const scopeCost =
  summary['scope attach + dispose (5 listeners)']['manual 5 × on + 5 × off (leakproof emitter)'] /
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
