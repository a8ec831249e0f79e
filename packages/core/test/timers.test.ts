import { execFileSync, spawnSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { AbortError, onAbort, raceAbort, sleep, unrefInterval, unrefTimeout } from '@leakproof/core';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const listenerCount = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('unref timers', () => {
  it('create timers that do not keep the event loop alive', () => {
    const t = unrefTimeout(() => {}, 1000);
    const i = unrefInterval(() => {}, 1000);
    expect(t.hasRef()).toBe(false);
    expect(i.hasRef()).toBe(false);
    clearTimeout(t);
    clearInterval(i);
  });

  it('let a process that armed long timers exit at once (child process)', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `
      import { unrefTimeout, unrefInterval } from ${JSON.stringify(dist)};
      unrefTimeout(() => console.log('timeout fired'), 60_000);
      unrefInterval(() => console.log('interval fired'), 60_000);
      console.log('armed');
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('armed');
    // The child would live 60 s if any timer held it; the spawn timeout (20 s) would kill it.
    expect(result.signal).toBeNull();
  });
});

describe('sleep', () => {
  it('resolves after the delay and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    await sleep(5, { signal: controller.signal });
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it('rejects with AbortError carrying the reason, and removes its listener', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, { signal: controller.signal });
    expect(listenerCount(controller.signal)).toBe(1);
    controller.abort(new Error('stop'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe('ABORT_ERR');
    expect(((error as AbortError).cause as Error).message).toBe('stop');
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it('rejects at once for an already aborted signal', async () => {
    await expect(sleep(10, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
  });
});

describe('onAbort and raceAbort', () => {
  it('onAbort runs once and its disposer removes the listener', () => {
    const controller = new AbortController();
    let calls = 0;
    const sub = onAbort(controller.signal, () => calls++);
    expect(listenerCount(controller.signal)).toBe(1);
    sub.dispose();
    expect(listenerCount(controller.signal)).toBe(0);
    controller.abort();
    expect(calls).toBe(0);
    onAbort(AbortSignal.abort(), () => calls++);
    expect(calls).toBe(1);
  });

  it('raceAbort settles with the promise and leaves no listener', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('x')), controller.signal)).rejects.toThrow('x');
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it('raceAbort calls onAborted once when the abort wins, never when the promise wins', async () => {
    let calls = 0;
    const controller = new AbortController();
    await raceAbort(Promise.resolve(1), controller.signal, () => calls++);
    controller.abort();
    expect(calls).toBe(0);
    await expect(raceAbort(new Promise(() => {}), AbortSignal.abort(), () => calls++)).rejects.toBeInstanceOf(
      AbortError,
    );
    const later = new AbortController();
    const raced = raceAbort(new Promise(() => {}), later.signal, () => calls++);
    later.abort();
    await expect(raced).rejects.toBeInstanceOf(AbortError);
    expect(calls).toBe(2);
  });

  it('raceAbort rejects on abort and observes the losing promise', async () => {
    const controller = new AbortController();
    let rejectLate!: (e: Error) => void;
    const late = new Promise<never>((_, reject) => {
      rejectLate = reject;
    });
    const raced = raceAbort(late, controller.signal);
    controller.abort();
    await expect(raced).rejects.toBeInstanceOf(AbortError);
    rejectLate(new Error('late')); // must not become an unhandled rejection
    expect(listenerCount(controller.signal)).toBe(0);
  });
});

describe('using compiled by TypeScript on Node 20', () => {
  it('disposes leakproof stacks with `using` and `await using` in TypeScript output', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const source = `
      import { DisposableStack, AsyncDisposableStack } from ${JSON.stringify(dist)};
      const order: string[] = [];
      {
        using stack = new DisposableStack();
        stack.defer(() => order.push('sync'));
      }
      {
        await using stack = new AsyncDisposableStack();
        stack.defer(async () => { order.push('async'); });
      }
      console.log(order.join(','));
    `;
    const output = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 },
    }).outputText;
    expect(output).not.toContain('using stack'); // lowered, not left to the runtime
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', output], {
      encoding: 'utf8',
    });
    expect(stdout.trim()).toBe('sync,async');
  });
});
