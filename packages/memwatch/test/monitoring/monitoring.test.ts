import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { defaultDashboard } from '@grafana/schema';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerMetrics } from '../../src/prometheus.js';
import { dashboard, SCHEMA_VERSION } from './dashboard.js';

const run = promisify(execFile);
const monitoring = fileURLToPath(new URL('../../monitoring/', import.meta.url));
const RULES = `${monitoring}leakproof-rules.yml`;
const DASHBOARD = `${monitoring}grafana-dashboard.json`;

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: monitoring });
    return stdout + stderr;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        'promtool is not installed: it ships with Prometheus (Debian: apt-get install -y prometheus). ' +
          'The rules test needs it.',
      );
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Every `leakproof_…` or `leakproof:…` name a text mentions. */
function metricNames(text: string): Set<string> {
  return new Set(text.match(/leakproof[_:][a-z_:]*[a-z]/g) ?? []);
}

describe('the shipped Prometheus rules', () => {
  it('are valid and pass their unit tests under promtool', async () => {
    expect(await promtool('check', 'rules', RULES)).toMatch(/SUCCESS: 6 rules found/);
    expect(await promtool('test', 'rules', 'leakproof-rules.test.yml')).toMatch(/SUCCESS/);
  });

  it('and the dashboard read only metrics that registerMetrics registers, or the rules record', async () => {
    using binding = await registerMetrics(new Registry());
    const recorded = [...readFileSync(RULES, 'utf8').matchAll(/record: (\S+)/g)].map((m) => m[1]!);
    const known = new Set([...binding.names, ...recorded]);
    const used = new Set([
      ...metricNames(readFileSync(RULES, 'utf8')),
      ...metricNames(readFileSync(DASHBOARD, 'utf8')),
    ]);
    for (const name of ['leakproof-memory', 'leakproof_']) used.delete(name);
    const unknown = [...used].filter((n) => !known.has(n) && n.startsWith('leakproof'));
    expect(unknown).toEqual([]);
    expect(used).toContain('leakproof_heap_after_gc_bytes');
    expect(used).toContain('leakproof_heap_growth_bytes_per_second');
  });
});

describe('the shipped Grafana dashboard', () => {
  it('is the typed source, at the schema version of @grafana/schema', () => {
    const text = `${JSON.stringify(dashboard, null, 2)}\n`;
    if (process.env.UPDATE_DASHBOARD === '1') writeFileSync(DASHBOARD, text);
    expect(
      readFileSync(DASHBOARD, 'utf8'),
      'monitoring/grafana-dashboard.json differs from test/monitoring/dashboard.ts: regenerate it with ' +
        'UPDATE_DASHBOARD=1 npx vitest run --project memwatch monitoring',
    ).toBe(text);
    expect(SCHEMA_VERSION).toBe(defaultDashboard.schemaVersion);
  });

  it('lays its panels out on the 24-column grid without overlap, each querying the chosen data source', () => {
    const parsed = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as typeof dashboard;
    const ids = parsed.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of parsed.panels) {
      const { x, y, w, h } = p.gridPos!;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
      expect(p.datasource).toEqual({ type: 'prometheus', uid: `\${datasource}` });
      const refIds = p.targets!.map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const t of p.targets!) expect(t.datasource).toEqual(p.datasource);
    }
    // Every variable an expression uses is defined.
    const defined = new Set(parsed.templating.list.map((v) => v.name));
    const usedVariables = JSON.stringify(parsed.panels).match(/\$\{?([a-z]+)/g) ?? [];
    for (const v of usedVariables) expect(defined, v).toContain(v.replace(/^\$\{?/, ''));
    // What the issue asks the dashboard to show.
    expect(parsed.panels.map((p) => p.title)).toEqual([
      'Heap after GC per service',
      'Heap growth (robust slope)',
      'Memory pressure',
      'Time to the heap limit (rising services)',
      'Top caches by bytes',
      'Pools: borrowed and waiting',
      'Listeners per emitter',
    ]);
  });

  it('ships with the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      files: string[];
    };
    expect(pkg.files).toContain('monitoring');
  });
});
