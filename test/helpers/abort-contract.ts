import { createHook } from 'node:async_hooks';
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';

/**
 * One API that takes `{ signal }`, described for {@link describeAbortContract}.
 * `F` is whatever `setup` makes: a primitive in a state where `start` has to wait.
 */
export interface AbortCase<F> {
  /** A fresh fixture, in a state where `start` must wait until `release` (or an abort). */
  setup(): F | Promise<F>;
  /** Starts the wait under test with `signal`. A synchronous throw counts as a rejection. */
  start(fixture: F, signal: AbortSignal): PromiseLike<unknown>;
  /** Lets a started wait settle normally. Without it, the "aborted after settle" case is skipped by design. */
  release?(fixture: F): void | Promise<void>;
  /** What the primitive's stats say is still pending (waiters, in-flight loads). Must be 0 once settled. */
  pending?(fixture: F): number;
  /** Disposes or closes everything `setup` made. */
  teardown(fixture: F): void | Promise<void>;
}

interface Outcome {
  status: 'fulfilled' | 'rejected';
  value?: unknown;
  reason?: unknown;
}

const settle = async (start: () => PromiseLike<unknown>): Promise<Outcome> => {
  try {
    return { status: 'fulfilled', value: await start() };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
};

/** Lets every queued callback run, so a wait has really started waiting. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Timers created while `body` runs by code outside the test framework, with where they were made. */
async function trackTimers<T>(body: () => Promise<T>): Promise<{ result: T; alive: string[] }> {
  const live = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type !== 'Timeout') return;
      const stack = new Error('timer created').stack ?? '';
      if (/[\\/](vitest|@vitest|tinypool|birpc)[\\/]/.test(stack)) return;
      live.set(asyncId, stack);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  try {
    const result = await body();
    await turn();
    return { result, alive: [...live.values()] };
  } finally {
    hook.disable();
  }
}

function expectAbortError(outcome: Outcome, reason: unknown): void {
  expect(outcome.status, 'the wait must reject when its signal aborts').toBe('rejected');
  const error = outcome.reason as { name?: unknown; code?: unknown; cause?: unknown };
  expect(error?.name).toBe('AbortError');
  expect(error?.code).toBe('ABORT_ERR');
  expect(error?.cause).toBe(reason);
}

/**
 * Registers the abort contract every signal-taking API keeps, as four vitest tests: the signal
 * aborted before the call, during the wait, after the wait settled, and during the wait with a
 * `stopImmediatePropagation()` listener ahead of ours. After each: the wait settled (with an
 * `AbortError` whose `cause` is the reason, where the abort came first), no `'abort'` listener of
 * ours is left on the signal, `pending` is 0, and after `teardown` no timer made meanwhile is alive.
 */
export function describeAbortContract<F>(name: string, c: AbortCase<F>): void {
  const run = async (scenario: (fixture: F) => Promise<void>) => {
    const { alive } = await trackTimers(async () => {
      const fixture = await c.setup();
      try {
        await scenario(fixture);
        if (c.pending) expect(c.pending(fixture), 'nothing may stay pending').toBe(0);
      } finally {
        await c.teardown(fixture);
      }
    });
    expect(alive, 'no timer may outlive the wait and teardown').toEqual([]);
  };

  describe(`${name}: the abort contract`, () => {
    it('rejects with AbortError when the signal is aborted before the call, leaving nothing', async () => {
      await run(async (fixture) => {
        const reason = new Error('aborted before');
        const signal = AbortSignal.abort(reason);
        expectAbortError(await settle(() => c.start(fixture, signal)), reason);
        expect(getEventListeners(signal, 'abort')).toHaveLength(0);
      });
    });

    it('rejects with AbortError when the signal aborts during the wait, leaving nothing', async () => {
      await run(async (fixture) => {
        const controller = new AbortController();
        const reason = new Error('aborted during');
        const outcome = settle(() => c.start(fixture, controller.signal));
        await turn();
        controller.abort(reason);
        expectAbortError(await outcome, reason);
        expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      });
    });

    it('rejects even when an earlier abort listener calls stopImmediatePropagation()', async () => {
      await run(async (fixture) => {
        const controller = new AbortController();
        const swallow = (event: Event) => event.stopImmediatePropagation();
        controller.signal.addEventListener('abort', swallow);
        const reason = new Error('aborted, swallowed');
        const outcome = settle(() => c.start(fixture, controller.signal));
        await turn();
        controller.abort(reason);
        expectAbortError(await outcome, reason);
        expect(getEventListeners(controller.signal, 'abort')).toEqual([swallow]);
      });
    });

    it.runIf(c.release !== undefined)(
      'ignores an abort after the wait settled, leaving nothing',
      async () => {
        await run(async (fixture) => {
          const controller = new AbortController();
          const outcome = settle(() => c.start(fixture, controller.signal));
          await turn();
          await c.release!(fixture);
          const settled = await outcome;
          expect((settled.reason as { code?: unknown } | undefined)?.code).not.toBe('ABORT_ERR');
          expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
          controller.abort(new Error('too late'));
        });
      },
    );
  });
}
