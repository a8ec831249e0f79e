import { spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { AbortError, isLeakproofError, onAbort, raceAbort, sleep } from '@leakproof/core';
import { describe, expect, it } from 'vitest';

const listenerCount = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** A controller whose signal has a listener ahead of ours that stops propagation. */
function swallowingController(): AbortController {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', (event) => event.stopImmediatePropagation());
  return controller;
}

describe('aborts always arrive', () => {
  it('onAbort fires even when an earlier listener calls stopImmediatePropagation()', () => {
    const controller = swallowingController();
    let calls = 0;
    const subscription = onAbort(controller.signal, () => calls++);
    controller.abort();
    expect(calls).toBe(1);
    subscription.dispose();
    expect(listenerCount(controller.signal)).toBe(1); // only the swallowing listener is left
  });

  it('onAbort leaves nothing on the signal once disposed, and never fires after', () => {
    const controller = new AbortController();
    let calls = 0;
    const subscription = onAbort(controller.signal, () => calls++);
    subscription[Symbol.dispose]();
    expect(listenerCount(controller.signal)).toBe(0);
    controller.abort();
    expect(calls).toBe(0);
  });

  it('sleep rejects with AbortError when the abort is swallowed by another listener', async () => {
    const controller = swallowingController();
    const pending = sleep(60_000, { signal: controller.signal });
    const reason = new Error('stop');
    controller.abort(reason);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe('ABORT_ERR');
    expect((error as AbortError).cause).toBe(reason);
  });

  it('raceAbort rejects and runs onAborted when the abort is swallowed by another listener', async () => {
    const controller = swallowingController();
    let aborted = 0;
    const raced = raceAbort(new Promise(() => {}), controller.signal, () => aborted++);
    controller.abort();
    await expect(raced).rejects.toBeInstanceOf(AbortError);
    expect(aborted).toBe(1);
    expect(listenerCount(controller.signal)).toBe(1);
  });
});

describe('sleep validates its input', () => {
  it.each([2 ** 31, Number.POSITIVE_INFINITY, Number.NaN, -1])(
    'rejects ms = %s with ERR_OUT_OF_RANGE',
    async (ms) => {
      const error = await sleep(ms).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RangeError);
      expect((error as { code?: string }).code).toBe('ERR_OUT_OF_RANGE');
    },
  );

  it('rejects a non-number ms and a signal that is not an AbortSignal with ERR_INVALID_ARG_TYPE', async () => {
    await expect(sleep('5' as unknown as number)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    const fake = { aborted: false, addEventListener() {} } as unknown as AbortSignal;
    await expect(sleep(5, { signal: fake })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(sleep(5, { sigal: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});

describe('a wait keeps the process alive while it is awaited (child processes)', () => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  const run = (body: string) =>
    spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `import * as core from ${JSON.stringify(dist)};\n${body}`],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );

  it('`await sleep(50)` as the only work resolves and exits 0, never 13', () => {
    const result = run(`await core.sleep(50); console.log('slept');`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('slept');
  });

  it('an aborted sleep rejects and exits 1 with the AbortError, never 13', () => {
    const result = run(
      `const c = new AbortController(); setTimeout(() => c.abort(), 20); await core.sleep(60_000, { signal: c.signal });`,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AbortError');
  });

  it('a sleep nobody awaits any more (aborted) leaves no timer: the process exits at once', () => {
    const result = run(
      `const c = new AbortController(); core.sleep(60_000, { signal: c.signal }).catch(() => console.log('aborted')); c.abort();`,
    );
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('aborted');
    expect(result.signal).toBeNull();
  });
});

describe('isLeakproofError across copies of the package', () => {
  it('recognises errors made by the ESM build from the CJS build and back', async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof import('@leakproof/core');
    const esm = (await import('../dist/index.js')) as unknown as typeof import('@leakproof/core');
    const fromEsm = esm.createError('ERR_TIMEOUT', { what: 'create', timeoutMs: 5 });
    const fromCjs = cjs.createError('ABORT_ERR');
    expect(cjs.isLeakproofError(fromEsm, 'ERR_TIMEOUT')).toBe(true);
    expect(esm.isLeakproofError(fromCjs, 'ABORT_ERR')).toBe(true);
    expect(fromEsm instanceof cjs.TimeoutError).toBe(true);
    expect(fromEsm instanceof cjs.LeakproofError).toBe(true);
    expect(fromEsm instanceof cjs.AbortError).toBe(false);
    expect(fromCjs instanceof esm.AbortError).toBe(true);
    expect(isLeakproofError(new Error('plain'))).toBe(false);
    expect(isLeakproofError(new TypeError('x'))).toBe(false);
  });
});
