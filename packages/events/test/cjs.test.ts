// Runs the BUILT package in child processes, the way users load it: require() and import.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.cjs', import.meta.url));

function run(args: string[], source: string): string {
  return execFileSync(process.execPath, [...args, source], { cwd: packageDir, encoding: 'utf8' }).trim();
}

describe('the built package', () => {
  beforeAll(() => {
    // Fail, never skip: a missing build must not turn these tests green.
    if (!built) throw new Error('packages/events/dist is missing: run `npx -y pnpm@10 build` first');
  });

  it("require('@leakproof/events') is the EventEmitter constructor, like require('events')", () => {
    const out = run(
      ['-e'],
      `
      const EventEmitter = require('@leakproof/events');
      const events = require('node:events');
      const util = require('node:util');
      const e = new EventEmitter();
      let got;
      e.on('x', (v) => { got = v; });
      e.emit('x', 1);
      function Legacy() { EventEmitter.call(this); }
      util.inherits(Legacy, EventEmitter);
      const l = new Legacy();
      l.on('y', () => {});
      const missing = Object.getOwnPropertyNames(events).filter((k) => !(k in EventEmitter));
      console.log(JSON.stringify({
        type: typeof EventEmitter,
        got,
        self: EventEmitter.EventEmitter === EventEmitter,
        once: typeof EventEmitter.once,
        on: typeof EventEmitter.on,
        createScope: typeof EventEmitter.createScope,
        defaultMaxListeners: EventEmitter.defaultMaxListeners,
        errorMonitor: EventEmitter.errorMonitor === events.errorMonitor,
        legacy: l.listenerCount('y'),
        isNodeEmitter: e instanceof events,
        missing,
      }));
      `,
    );
    expect(JSON.parse(out)).toEqual({
      type: 'function',
      got: 1,
      self: true,
      once: 'function',
      on: 'function',
      createScope: 'function',
      defaultMaxListeners: 10,
      errorMonitor: true,
      legacy: 1,
      isNodeEmitter: true,
      missing: [],
    });
  });

  it('import gives the default and every named export of node:events', () => {
    const out = run(
      ['--input-type=module', '-e'],
      `
      import EventEmitter, * as ours from '@leakproof/events';
      import * as events from 'node:events';
      const missing = Object.keys(events).filter((k) => !(k in ours));
      const e = new EventEmitter();
      const p = ours.once(e, 'ready');
      e.emit('ready', 'ok');
      console.log(JSON.stringify({ missing, same: ours.EventEmitter === EventEmitter, value: await p }));
      `,
    );
    expect(JSON.parse(out)).toEqual({ missing: [], same: true, value: ['ok'] });
  });

  it('a CommonJS program runs unchanged with events swapped for @leakproof/events', () => {
    const program = (module: string) => `
      const EventEmitter = require('${module}');
      const { once } = require('${module}');
      class Job extends EventEmitter {}
      const job = new Job();
      const order = [];
      job.on('newListener', (n) => order.push('new:' + n));
      job.prependListener('step', () => order.push('first'));
      job.on('step', () => order.push('second'));
      job.once('step', () => order.push('once'));
      job.emit('step'); job.emit('step');
      try { job.emit('error', new Error('x')); } catch (e) { order.push('threw:' + e.message); }
      once(job, 'done').then((args) => { order.push('done:' + args); console.log(JSON.stringify(order)); });
      job.emit('done', 7);
    `;
    expect(run(['-e'], program('@leakproof/events'))).toBe(run(['-e'], program('events')));
  });

  it('the CommonJS declarations type-check `import X = require()` consumers (export =)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakproof-events-cjs-'));
    try {
      mkdirSync(join(dir, 'node_modules', '@leakproof'), { recursive: true });
      symlinkSync(packageDir, join(dir, 'node_modules', '@leakproof', 'events'));
      symlinkSync(join(packageDir, '..', 'core'), join(dir, 'node_modules', '@leakproof', 'core'));
      symlinkSync(
        join(packageDir, '..', '..', 'node_modules', '@types'),
        join(dir, 'node_modules', '@types'),
      );
      writeFileSync(
        join(dir, 'use.cts'),
        `import EventEmitter = require('@leakproof/events');
        import util = require('node:util');
        const e = new EventEmitter<{ a: [number] }>({ listenerLimit: 5 });
        e.on('a', (n) => n + 1);
        const scope: EventEmitter.ListenerScope = EventEmitter.createScope();
        scope.on(e, 'a', () => {});
        const bound: EventEmitter.EmitterScope<{ a: [number] }> = e.scope();
        const typed: EventEmitter.EventEmitter<{ a: [number] }> = e;
        class Sub extends EventEmitter {}
        function Legacy(this: object) { EventEmitter.call(this); }
        util.inherits(Legacy, EventEmitter);
        void EventEmitter.once(new Sub(), 'x', { timeout: 10 });
        export const used = [bound, typed];
        `,
      );
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            strict: true,
            noEmit: true,
            types: ['node'],
            lib: ['ES2023', 'ESNext.Disposable'],
          },
          files: ['use.cts'],
        }),
      );
      const tsc = join(packageDir, '..', '..', 'node_modules', 'typescript', 'bin', 'tsc');
      expect(() => execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
