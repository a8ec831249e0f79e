import { AbortError } from './errors.js';

/**
 * `setTimeout` whose timer never keeps the process alive. Every timer leakproof arms
 * goes through here or {@link unrefInterval}.
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
  return new AbortError('The operation was aborted', { cause: signal.reason });
}

/**
 * Calls `onAbort` once when `signal` aborts (at once, synchronously, if it already has).
 * Returns a `Disposable` that removes the listener, so it never outlives its use.
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
  const listener = (): void => onAbort();
  signal.addEventListener('abort', listener, { once: true });
  const dispose = (): void => signal.removeEventListener('abort', listener);
  return { dispose, [Symbol.dispose]: dispose };
}

const noop = (): void => {};
const NOOP_DISPOSABLE: Disposable & { dispose(): void } = { dispose: noop, [Symbol.dispose]: noop };

/**
 * Resolves after `ms` on an unref'd timer. With a `signal`, rejects with {@link AbortError}
 * when it aborts; either way no timer or listener is left behind.
 *
 * Note: an unref'd sleep does not keep the process alive; a program whose only pending
 * work is this sleep exits before it resolves. That is the point.
 */
export function sleep(ms: number, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const subscription = onAbort(signal, () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    });
    const timer = unrefTimeout(() => {
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
