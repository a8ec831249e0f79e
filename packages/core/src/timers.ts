import * as events from 'node:events';
import { createError } from './catalogue/index.js';
import type { AbortError } from './errors.js';
import { validateAbortSignal, validateDuration, validateOptions } from './validate.js';

/**
 * `setTimeout` whose timer never keeps the process alive: for housekeeping (sweeps, idle
 * eviction, leak detection, sampling, watchers). A timer that settles a promise somebody
 * awaits is a plain ref'd `setTimeout`, cleared when the wait settles (see the core README's
 * timer rule).
 */
export function unrefTimeout(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setTimeout(callback, ms);
  timer.unref();
  return timer;
}

/** `setInterval` whose timer never keeps the process alive. */
export function unrefInterval(callback: () => void, ms: number): NodeJS.Timeout {
  const timer = setInterval(callback, ms);
  timer.unref();
  return timer;
}

/** The error an operation rejects with when `signal` aborts: an {@link AbortError} whose `cause` is the signal's reason. */
export function abortError(signal: AbortSignal): AbortError {
  return createError('ABORT_ERR', undefined, { cause: signal.reason });
}

/**
 * Calls `onAbort` once when `signal` aborts (at once, synchronously, if it already has).
 * Returns a `Disposable` that removes the listener, so it never outlives its use.
 *
 * This is the one way leakproof listens to a signal. It hears the abort even when another
 * `'abort'` listener calls `event.stopImmediatePropagation()` (it subscribes through
 * `events.addAbortListener`, Node ≥ 20.5; older Node 20 releases fall back to a plain
 * listener, which such a listener can silence).
 *
 * @example
 * ```ts
 * using _ = onAbort(signal, () => controller.abort(signal.reason));
 * ```
 */
export function onAbort(
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Disposable & { dispose(): void } {
  if (signal === undefined) return NOOP_DISPOSABLE;
  if (signal.aborted) {
    onAbort();
    return NOOP_DISPOSABLE;
  }
  let fired = false;
  const listener = (): void => {
    if (fired) return;
    fired = true;
    onAbort();
  };
  if (addAbortListener !== undefined) {
    const subscription = addAbortListener(signal, listener);
    const dispose = (): void => subscription[Symbol.dispose]();
    return { dispose, [Symbol.dispose]: dispose };
  }
  signal.addEventListener('abort', listener, { once: true });
  const dispose = (): void => signal.removeEventListener('abort', listener);
  return { dispose, [Symbol.dispose]: dispose };
}

const addAbortListener: ((signal: AbortSignal, listener: () => void) => Disposable) | undefined = (
  events as { addAbortListener?: ((signal: AbortSignal, listener: () => void) => Disposable) | undefined }
).addAbortListener;

const noop = (): void => {};
const NOOP_DISPOSABLE: Disposable & { dispose(): void } = { dispose: noop, [Symbol.dispose]: noop };

/**
 * Resolves after `ms`. With a `signal`, rejects with {@link AbortError} when it aborts; either
 * way no timer or listener is left behind.
 *
 * The timer keeps the process alive while the sleep is awaited, as `timers/promises` does: a
 * script whose only work is `await sleep(50)` resolves, never exits with the sleep pending.
 * `ms` is validated (0 to 2^31 - 1); a bad value or signal rejects with a coded error.
 */
export function sleep(ms: number, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
  let signal: AbortSignal | undefined;
  try {
    validateDuration(ms, 'ms');
    const checked = validateOptions<{ signal: AbortSignal }>(options, 'options', ['signal'], {
      owner: 'sleep',
    });
    if (checked.signal !== undefined) signal = validateAbortSignal(checked.signal, 'options.signal');
  } catch (error) {
    return Promise.reject(error);
  }
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const subscription = onAbort(signal, () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      resolve();
    }, ms);
  });
}

/**
 * Settles like `promise`, or rejects with {@link AbortError} when `signal` aborts first.
 * The abort listener is removed as soon as either happens. `promise` itself is not
 * cancelled (that is the caller's job, and `onAborted` is where to do it: it runs once,
 * when the abort wins, before the rejection); its later rejection is observed, never unhandled.
 */
export function raceAbort<T>(
  promise: PromiseLike<T>,
  signal: AbortSignal | undefined,
  onAborted?: () => void,
): Promise<T> {
  if (signal === undefined) return Promise.resolve(promise);
  if (signal.aborted) {
    Promise.resolve(promise).catch(noop);
    onAborted?.();
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const subscription = onAbort(signal, () => {
      onAborted?.();
      reject(abortError(signal));
    });
    Promise.resolve(promise).then(
      (value) => {
        subscription.dispose();
        resolve(value);
      },
      (error: unknown) => {
        subscription.dispose();
        reject(error);
      },
    );
  });
}
