// The root README's benchmark table is generated from benchmarks/results/*.json; this fails
// while it is stale (a benchmark run without `node benchmarks/summary.mjs --readme`, or a hand edit).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const summary = fileURLToPath(new URL('../benchmarks/summary.mjs', import.meta.url));

describe('README benchmark figures', () => {
  it('are the table benchmarks/summary.mjs builds from benchmarks/results', () => {
    const run = spawnSync(process.execPath, [summary, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
