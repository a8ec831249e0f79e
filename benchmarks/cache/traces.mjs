// Hit ratios on the LIRS traces (the ten block traces Caffeine's simulator charts), at the
// 44 trace/size points Caffeine compares, for BoundedMap's policies beside lru-cache and the
// optimal (Bélády) bound; plus a Zipf-distributed synthetic workload generated here.
//
//   npx -y pnpm@10 build && node benchmarks/cache/traces.mjs
//
// The traces are read at run time from `../shared/traces/lirs/` next to the repository (or
// from the folder in LEAKPROOF_TRACES); they are not part of the repository.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { BoundedMap } from '@leakproof/cache';
import { LRUCache } from 'lru-cache';
import { resultsDir, writeSuite } from '../lib/harness.mjs';
import { barChart } from './bar-chart.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const traceDir = process.env.LEAKPROOF_TRACES
  ? join(resolve(process.env.LEAKPROOF_TRACES), 'lirs')
  : resolve(root, '..', 'shared', 'traces', 'lirs');

/** Caffeine's chart points: trace → cache sizes (entries). */
export const POINTS = {
  '2_pools': [497, 994, 1988, 3976],
  cpp: [61, 122, 245, 489],
  cs: [70, 141, 282, 564],
  gli: [250, 500, 750, 1000, 1250, 1500, 1750, 2000],
  loop: [51, 101, 202, 404],
  multi1: [130, 261, 521, 1042],
  multi2: [284, 568, 1137, 2274],
  multi3: [373, 745, 1491, 2982],
  ps: [154, 308, 617, 1233],
  sprite: [354, 708, 1415, 2830],
};

/** One key per line; lines that are not a number (breakpoints such as `*`) are skipped. */
export function readTrace(name) {
  const text = gunzipSync(readFileSync(join(traceDir, `${name}.trace.gz`))).toString('latin1');
  const keys = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const key = Number(trimmed);
    if (Number.isFinite(key)) keys.push(key);
  }
  return Int32Array.from(keys);
}

/** Replays `trace` as get, then set on a miss; returns the hit ratio in %. */
function replay(cache, trace) {
  let hits = 0;
  for (let i = 0; i < trace.length; i++) {
    const key = trace[i];
    if (cache.get(key) === undefined) cache.set(key, 1);
    else hits++;
  }
  return (100 * hits) / trace.length;
}

/** Bélády's optimal: on a miss, keep the entries (newcomer included) used soonest again. */
export function belady(trace, capacity) {
  const n = trace.length;
  const nextUse = new Float64Array(n);
  const last = new Map();
  for (let i = n - 1; i >= 0; i--) {
    nextUse[i] = last.get(trace[i]) ?? Number.POSITIVE_INFINITY;
    last.set(trace[i], i);
  }
  const cached = new Map(); // key → its next use
  const heap = []; // max-heap of [nextUse, key], stale entries skipped on pop
  const push = (item) => {
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p][0] >= heap[i][0]) break;
      [heap[p], heap[i]] = [heap[i], heap[p]];
      i = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const end = heap.pop();
    if (heap.length > 0) {
      heap[0] = end;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l][0] > heap[m][0]) m = l;
        if (r < heap.length && heap[r][0] > heap[m][0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i], heap[m]];
        i = m;
      }
    }
    return top;
  };
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const key = trace[i];
    if (cached.has(key)) hits++;
    cached.set(key, nextUse[i]);
    push([nextUse[i], key]);
    while (cached.size > capacity) {
      const [use, victim] = pop();
      if (cached.get(victim) === use) cached.delete(victim);
    }
  }
  return (100 * hits) / n;
}

/** A seeded Zipf(s) stream over `keys` keys (rejection-free: inverse CDF on a table). */
export function zipf(keys, s, length, seed = 42) {
  const cdf = new Float64Array(keys);
  let sum = 0;
  for (let k = 0; k < keys; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const u = random() * sum;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    // Scatter ranks over the key space so popularity is not the key's order.
    out[i] = Math.imul(lo + 1, 0x9e3779b1) >>> 0;
  }
  return out;
}

const policies = [
  { name: 'BoundedMap (tinylfu)', make: (max) => new BoundedMap({ max, policy: 'tinylfu' }) },
  { name: "BoundedMap ('lru')", make: (max) => new BoundedMap({ max, policy: 'lru' }) },
  { name: 'lru-cache', make: (max) => new LRUCache({ max }) },
];

function measure(trace, size) {
  const row = {};
  for (const p of policies) {
    const cache = p.make(size);
    row[p.name] = replay(cache, trace);
    cache.dispose?.();
  }
  row['optimal (Bélády)'] = belady(trace, size);
  return row;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  if (!existsSync(traceDir)) {
    console.error(`No traces in ${traceDir} (set LEAKPROOF_TRACES to the folder holding lirs/)`);
    process.exit(1);
  }
  const names = [...policies.map((p) => p.name), 'optimal (Bélády)'];
  const rows = [];
  const perTrace = [];
  const sums = Object.fromEntries(names.map((n) => [n, 0]));
  let points = 0;
  let worstVsLru = { gap: Number.NEGATIVE_INFINITY, at: '' };
  for (const [trace, sizes] of Object.entries(POINTS)) {
    const keys = readTrace(trace);
    const traceSums = Object.fromEntries(names.map((n) => [n, 0]));
    for (const size of sizes) {
      const row = measure(keys, size);
      points++;
      for (const n of names) {
        sums[n] += row[n];
        traceSums[n] += row[n];
      }
      const gap = row['lru-cache'] - row['BoundedMap (tinylfu)'];
      if (gap > worstVsLru.gap) worstVsLru = { gap, at: `${trace}@${size}` };
      rows.push([trace, size, ...names.map((n) => row[n].toFixed(1))]);
      process.stderr.write(`${trace}@${size} ${names.map((n) => row[n].toFixed(1)).join(' ')}\n`);
    }
    perTrace.push({ trace, values: names.map((n) => traceSums[n] / sizes.length) });
  }
  const means = names.map((n) => sums[n] / points);
  rows.push(['**mean**', `${points} points`, ...means.map((m) => `**${m.toFixed(1)}**`)]);

  const zipfRows = [];
  for (const s of [0.8, 1.0]) {
    const stream = zipf(100_000, s, 1_000_000);
    for (const size of [1_000, 10_000]) {
      const row = measure(stream, size);
      zipfRows.push([`Zipf s=${s}, 100k keys, 1M accesses`, size, ...names.map((n) => row[n].toFixed(1))]);
    }
  }

  const chart = 'cache-traces.svg';
  writeFileSync(
    new URL(chart, resultsDir),
    barChart({
      title: 'Hit ratio (%) on the LIRS traces, mean over each trace’s sizes',
      groups: perTrace.map((t) => t.trace),
      series: names.map((n, i) => ({ name: n, values: perTrace.map((t) => t.values[i]) })),
    }),
  );
  writeSuite('cache-traces', {
    title: 'cache: hit ratio on the LIRS traces',
    command: 'npx -y pnpm@10 build && node benchmarks/cache/traces.mjs',
    tables: [
      {
        title: 'Hit ratio (%) at the 44 trace/size points',
        columns: ['trace', 'size', ...names],
        rows,
        note: `Targets for the default policy: mean ≥ 50, never more than 2 points below LRU. Largest shortfall against lru-cache: ${worstVsLru.gap.toFixed(1)} points at ${worstVsLru.at} (negative: never below).`,
      },
      { title: 'Hit ratio (%) on a Zipf workload', columns: ['workload', 'size', ...names], rows: zipfRows },
    ],
    charts: [chart],
  });
}
