// The one benchmark harness every suite uses: candidates run interleaved in the same
// process (round-robin, several rounds, median taken), so machine noise hits all alike,
// and results are reported as ratios to the anchors users would otherwise pick.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

const RESULTS = new URL('../results/', import.meta.url);

/** Forces a full GC (suites run with --expose-gc). */
export function gc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run benchmarks with node --expose-gc');
  globalThis.gc();
  globalThis.gc();
}

/** Heap used after a forced full collection, in bytes. */
export function heapAfterGC() {
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Measures ops/s of each candidate `{ name, fn, setup? }`. `fn(i)` is one operation (sync) or,
 * with `async: true`, returns a promise for one batch of `batch` operations.
 * Each round gives every candidate `timeMs`; the figure is the median over `rounds`.
 */
export async function compare(
  candidates,
  { timeMs = 300, rounds = 5, warmupMs = 150, async = false, batch = 1 } = {},
) {
  const samples = new Map(candidates.map((c) => [c.name, []]));
  const run = async (c, ms) => {
    const fn = c.fn;
    let ops = 0;
    const start = performance.now();
    let now = start;
    if (async) {
      while (now - start < ms) {
        await fn(ops);
        ops += batch;
        now = performance.now();
      }
    } else {
      // Check the clock every 256 ops so the timer is not what we measure.
      while (now - start < ms) {
        for (let k = 0; k < 256; k++) fn(ops++);
        now = performance.now();
      }
    }
    return (ops / (now - start)) * 1000;
  };
  for (const c of candidates) await c.setup?.();
  for (const c of candidates) await run(c, warmupMs);
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round so no candidate always runs first.
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[(k + r) % candidates.length];
      samples.get(c.name).push(await run(c, timeMs));
    }
  }
  for (const c of candidates) await c.teardown?.();
  return candidates.map((c) => {
    const s = samples.get(c.name).sort((a, b) => a - b);
    return { name: c.name, opsPerSec: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
  });
}

/** Adds `ratio` = subject ops/s ÷ this row's ops/s to each row: above 1 means leakproof (the subject) is faster than that anchor. */
export function ratiosTo(results, subject) {
  const base = results.find((r) => r.name === subject);
  return results.map((r) => ({ ...r, ratio: base.opsPerSec / r.opsPerSec }));
}

/** Machine facts for every report. */
export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: `${cpus[0]?.model ?? 'unknown'} x ${cpus.length}`,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  };
}

/** Formats a number for a table: 12.3M, 45.6k, 789. */
export function fmt(n) {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n >= 100 ? n.toFixed(0) : n.toFixed(2);
}

/** A Markdown table from column names and rows of cells. */
export function markdownTable(columns, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(columns), line(columns.map(() => '---')), ...rows.map((r) => line(r.map(String)))].join('\n');
}

/**
 * Writes `results/<suite>.json` and prints the suite's Markdown. `report` is
 * `{ title, command, tables: [{ title, columns, rows, note? }], charts?: [fileName], notes?: [string] }`.
 */
export function writeSuite(suite, report) {
  mkdirSync(RESULTS, { recursive: true });
  const full = { suite, ...report, machine: machine(), date: new Date().toISOString() };
  writeFileSync(new URL(`${suite}.json`, RESULTS), `${JSON.stringify(full, null, 2)}\n`);
  console.log(`\n## ${report.title}\n`);
  for (const t of report.tables) {
    console.log(`### ${t.title}\n\n${markdownTable(t.columns, t.rows)}\n${t.note ? `\n${t.note}\n` : ''}`);
  }
  for (const n of report.notes ?? []) console.log(`- ${n}`);
  return full;
}

/** Where suites write charts and other artefacts. */
export const resultsDir = RESULTS;
