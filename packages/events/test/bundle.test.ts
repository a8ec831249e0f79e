// Bundles the BUILT package with esbuild, tree-shaken, one named export at a time (the
// way an application bundler sees `"sideEffects": false`), runs each bundle, and checks
// that every constructor still carries every static: they must live on the constructors
// by construction, not be attached by a module a bundler may drop.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'leakproof-events-bundle-'));

// Every static `require('node:events')` carries, plus leakproof's own.
const STATICS = [
  'EventEmitter',
  'once',
  'on',
  'getEventListeners',
  'getMaxListeners',
  'setMaxListeners',
  'listenerCount',
  'addAbortListener',
  'errorMonitor',
  'captureRejectionSymbol',
  'captureRejections',
  'defaultMaxListeners',
  'usingDomains',
  'init',
  'EventEmitterAsyncResource',
  'kMaxEventTargetListeners',
  'kMaxEventTargetListenersWarned',
  'createScope',
  'ListenerScope',
  'EmitterScope',
  'defaultListenerLimit',
  'setDefaultListenerLimit',
  'getDefaultListenerLimit',
  'DEFAULT_LISTENER_LIMIT',
  'ListenerLimitError',
  'ScopeDisposedError',
  'EventBufferOverflowError',
] as const;

// What each bundle reports about the export it kept: for a function, every static's type
// and whether it is the package's own value (once === leakproof's once, not Node's).
const PROBE = `
const out = { type: typeof subject, statics: {} };
if (typeof subject === 'function') {
  for (const key of ${JSON.stringify(STATICS)}) {
    const v = subject[key];
    out.statics[key] = v === undefined ? 'missing' : typeof v;
  }
  out.onceIsNodes = subject.once === (await import('node:events')).once;
  out.scope = typeof subject.createScope === 'function' ? Object.prototype.toString.call(subject.createScope()) : null;
}
console.log(JSON.stringify(out));
`;

async function bundle(specifier: string): Promise<Record<string, unknown>> {
  const entry = join(work, `entry-${specifier}.mjs`);
  const outfile = join(work, `bundle-${specifier}.mjs`);
  const imported = specifier === 'default' ? 'subject' : `{ ${specifier} as subject }`;
  writeFileSync(entry, `import ${imported} from '@leakproof/events';\n${PROBE}`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    treeShaking: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Resolve the package from its own directory (a self-reference through "exports").
    nodePaths: [join(packageDir, 'node_modules')],
    alias: { '@leakproof/events': join(packageDir, 'dist/index.js') },
    logLevel: 'silent',
  });
  return JSON.parse(execFileSync(process.execPath, [outfile], { encoding: 'utf8' }).trim());
}

describe('bundled with esbuild, one named export at a time', () => {
  beforeAll(() => {
    // Fail, never skip: a missing build must not turn these tests green.
    if (!built) throw new Error('packages/events/dist is missing: run `npx -y pnpm@10 build` first');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const name of ['EventEmitter', 'default', 'EventEmitterAsyncResource']) {
    it(`${name} keeps every static of the constructor`, async () => {
      const report = await bundle(name);
      expect(report.type).toBe('function');
      const statics = report.statics as Record<string, string>;
      expect(Object.entries(statics).filter(([, t]) => t === 'missing')).toEqual([]);
      expect(statics.createScope).toBe('function');
      expect(statics.defaultListenerLimit).toBe('number');
      expect(report.onceIsNodes).toBe(false);
      expect(report.scope).toBe('[object ListenerScope]');
    });
  }

  it('every other named export survives tree-shaking on its own', async () => {
    const names = Object.keys(await import('../dist/index.js')).filter(
      (n) => !['EventEmitter', 'default', 'EventEmitterAsyncResource'].includes(n),
    );
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) {
      const report = await bundle(name);
      expect({ name, type: report.type }).not.toEqual({ name, type: 'undefined' });
    }
  });
});
