import {
  AbortError,
  invalidArgType,
  TimeoutError,
  unrefTimeout,
  validateAbortSignal,
  validateDuration,
} from '@leakproof/core';

/** Options of {@link once}. */
export interface OnceOptions {
  /** Rejects with an `AbortError` (code `ABORT_ERR`, `cause` = the reason) when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Rejects with a `TimeoutError` (code `ERR_ONCE_TIMEOUT`) after this many ms (unref'd timer). */
  readonly timeout?: number | undefined;
}

interface OnceEmitter {
  on(type: string | symbol, listener: Function): unknown;
  once(type: string | symbol, listener: Function): unknown;
  removeListener(type: string | symbol, listener: Function): unknown;
}
interface OnceTarget {
  addEventListener(type: string, listener: Function, options?: { once?: boolean }): void;
  removeEventListener(type: string, listener: Function): void;
}

/**
 * `events.once` with a `timeout`: resolves with the arguments of the next `event` (an
 * `EventTarget` resolves with `[event]`), rejects on `'error'` (emitters), on abort, or on
 * timeout. Whichever way it settles — including when adding a listener fails — every
 * listener it added (the event's, `'error'`'s, the signal's) and its timer are gone.
 *
 * @example
 * ```ts
 * const [socket] = await once(server, 'connection', { timeout: 5_000 });
 * ```
 */
export async function once(
  emitter: object,
  event: string | symbol,
  options: OnceOptions = {},
  // biome-ignore lint/suspicious/noExplicitAny: resolves with the listener's arguments, as node:events does
): Promise<any[]> {
  const signal = options?.signal;
  const timeout = options?.timeout;
  if (signal !== undefined) validateAbortSignal(signal, 'options.signal');
  if (timeout !== undefined) validateDuration(timeout, 'options.timeout');
  const isEmitter = typeof (emitter as Partial<OnceEmitter>)?.on === 'function';
  if (!isEmitter && typeof (emitter as Partial<OnceTarget>)?.addEventListener !== 'function') {
    throw invalidArgType('emitter', 'an EventEmitter or an EventTarget', emitter);
  }
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
  return new Promise<unknown[]>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let added = 0;
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (isEmitter) {
        const e = emitter as OnceEmitter;
        if (added > 0) e.removeListener(event, resolver);
        if (added > 1) e.removeListener('error', onError);
      } else if (added > 0) {
        (emitter as OnceTarget).removeEventListener(event as string, resolver);
      }
    };
    const resolver = (...args: unknown[]): void => {
      cleanup();
      resolve(args);
    };
    const onError = (error: unknown): void => {
      cleanup();
      reject(error);
    };
    const onAbort = (): void => {
      cleanup();
      reject(new AbortError(undefined, { cause: signal?.reason }));
    };
    try {
      if (isEmitter) {
        const e = emitter as OnceEmitter;
        e.once(event, resolver);
        added = 1;
        // EventTargets have no 'error' semantics; emitters reject on 'error' as node:events does.
        if (event !== 'error' && typeof e.once === 'function') {
          e.once('error', onError);
          added = 2;
        }
      } else {
        (emitter as OnceTarget).addEventListener(event as string, resolver, { once: true });
        added = 1;
      }
    } catch (error) {
      cleanup();
      throw error;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout !== undefined) {
      timer = unrefTimeout(() => {
        cleanup();
        reject(
          new TimeoutError(
            `Timed out after ${timeout} ms waiting for event ${String(event)}`,
            timeout,
            'ERR_ONCE_TIMEOUT',
          ),
        );
      }, timeout);
    }
  });
}
