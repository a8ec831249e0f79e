// The README against the code: its errors table is the catalogue's pool codes; its JavaScript
// examples run on Node 20 as written; its links work from npm. And the published declarations
// name none of the internals.
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogueByPackage } from '../../core/src/catalogue/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('README', () => {
  it("the errors table lists exactly the pool's catalogue codes, each with its class and summary", () => {
    const rows = [...section('Errors').matchAll(/^\| `([A-Z_]+)` \| `(\w+)` \| (.+) \|$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    const expected = Object.entries(catalogueByPackage.pool!).map(([code, spec]) => [code, spec.kind]);
    expect(rows.sort()).toEqual(expected.sort());
  });

  it('JavaScript examples do not use `await using` (Node 20 runs them as written)', () => {
    const jsBlocks = [...readme.matchAll(/```(js|javascript|mjs)\n([\s\S]*?)```/g)].map((m) => m[2]!);
    expect(jsBlocks.length).toBeGreaterThan(0);
    for (const block of jsBlocks) expect(block).not.toMatch(/await using/);
  });

  it('says that `await using` needs TypeScript (or a transpiler) on Node 20 wherever it is shown', () => {
    expect(readme).toMatch(/`await using`[^\n]*(TypeScript|transpil)/);
  });

  it('links out of the package are absolute', () => {
    const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    for (const link of links) {
      if (link.startsWith('#')) continue;
      expect(link).toMatch(/^https:\/\//);
    }
  });

  it('maps every generic-pool option to a core pool option or says what happens to it', () => {
    const table = section('`@leakproof/pool/generic-pool`');
    for (const option of [
      'max',
      'min',
      'maxWaitingClients',
      'testOnBorrow',
      'testOnReturn',
      'acquireTimeoutMillis',
      'destroyTimeoutMillis',
      'fifo',
      'priorityRange',
      'autostart',
      'evictionRunIntervalMillis',
      'numTestsPerEvictionRun',
      'softIdleTimeoutMillis',
      'idleTimeoutMillis',
      'Promise',
      'factoryCreateError',
      'factoryDestroyError',
    ]) {
      expect(table).toMatch(new RegExp(`^\\| \`${option}\``, 'm'));
    }
  });
});

describe('the published declarations', () => {
  const dts = new URL('../dist/index.d.ts', import.meta.url);
  beforeAll(() => {
    // Fail, never skip: a missing build must not turn this test green.
    if (!existsSync(dts)) throw new Error('packages/pool/dist is missing: run `npx -y pnpm@10 build` first');
  });

  it('name none of the internal types', () => {
    for (const file of ['index.d.ts', 'index.d.cts', 'generic-pool.d.ts', 'generic-pool.d.cts']) {
      const text = readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8');
      for (const internal of [
        'Slot',
        'Slots',
        'SettleLease',
        'PoolHooks',
        'Waiter',
        'Waiters',
        'Within',
        'Maker',
        'Housekeeper',
        'ResolvedOptions',
      ]) {
        expect(text, `${file} names ${internal}`).not.toMatch(new RegExp(`\\b${internal}\\b`));
      }
    }
  });
});
