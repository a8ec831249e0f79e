import {
  abortError,
  createError,
  onAbort,
  validateDuration,
  validateOptions,
  warnDeprecatedOption,
} from '@leakproof/core';
import { nodeInvalidArgType, validateOptionsObject, validateSignal } from './node-errors.js';

/** Options of {@link once}. */
export interface OnceOptions {
  /** Rejects with an `AbortError` (code `ABORT_ERR`, `cause` = the reason) when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Rejects with a `TimeoutError` (code `ERR_ONCE_TIMEOUT`) after this many milliseconds.
   * The timer keeps the process alive while the promise is awaited (as `timers/promises`
   * does) and is cleared the moment `once` settles.
   */
  readonly timeoutMs?: number | undefined;
  /** @deprecated Renamed `timeoutMs`; still read, with one deprecation warning per process. */
  readonly timeout?: number | undefined;
}

interface OnceEmitter {
  on(type: string | symbol, listener: Function): unknown;
  once(type: string | symbol, listener: Function): unknown;
  removeListener(type: string | symbol, listener: Function): unknown;
}
interface OnceTarget {
  addEventListener(type: string, listener: Function, options?: { once?: boolean | undefined }): void;
  removeEventListener(type: string, listener: Function): void;
}

const ONCE_OPTIONS = ['signal', 'timeoutMs', 'timeout'];

function timeoutOf(options: OnceOptions | undefined): number | undefined {
  if (options === undefined) return undefined;
  if (options.timeoutMs !== undefined) return validateDuration(options.timeoutMs, 'options.timeoutMs');
  if (options.timeout === undefined) return undefined;
  warnDeprecatedOption('once', 'timeout', 'timeoutMs');
  return validateDuration(options.timeout, 'options.timeout');
}

/**
 * `events.once` with a `timeoutMs`: resolves with the arguments of the next `event` (an
 * `EventTarget` resolves with `[event]`), rejects on `'error'` (emitters), on abort, or on
 * timeout. Whichever way it settles — including when the event fires while `once` is still
 * adding its listeners, and when adding a listener fails — every listener it added (the
 * event's, `'error'`'s, the signal's) and its timer are gone.
 *
 * @example
 * ```ts
 * const [socket] = await once(server, 'connection', { timeoutMs: 5_000 });
 * ```
 */
export async function once(
  emitter: object,
  event: string | symbol,
  options?: OnceOptions,
  // biome-ignore lint/suspicious/noExplicitAny: resolves with the listener's arguments, as node:events does
): Promise<any[]> {
  const opts = validateOptionsObject<OnceOptions>(options);
  if (opts !== undefined) validateOptions(opts, 'options', ONCE_OPTIONS, { owner: 'once()' });
  const signal = validateSignal(opts?.signal, 'options.signal');
  const timeoutMs = timeoutOf(opts);
  const isEmitter = typeof (emitter as Partial<OnceEmitter> | null)?.on === 'function';
  if (!isEmitter && typeof (emitter as Partial<OnceTarget> | null)?.addEventListener !== 'function') {
    throw nodeInvalidArgType('emitter', 'EventEmitter', emitter);
  }
  if (signal?.aborted) throw abortError(signal);
  return new Promise<unknown[]>((resolve, reject) => {
    let settled = false;
    let eventAdded = false;
    let errorAdded = false;
    let timer: NodeJS.Timeout | undefined;
    let subscription: Disposable | undefined;
    // Idempotent, and safe to run again after a late add: each piece is removed once.
    const cleanup = (): void => {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      subscription?.[Symbol.dispose]();
      subscription = undefined;
      if (eventAdded) {
        eventAdded = false;
        if (isEmitter) (emitter as OnceEmitter).removeListener(event, resolver);
        else (emitter as OnceTarget).removeEventListener(event as string, resolver);
      }
      if (errorAdded) {
        errorAdded = false;
        (emitter as OnceEmitter).removeListener('error', onError);
      }
    };
    function resolver(...args: unknown[]): void {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(args);
    }
    function onError(error: unknown): void {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    }
    try {
      if (isEmitter) {
        const e = emitter as OnceEmitter;
        e.once(event, resolver);
        eventAdded = true;
        // The event may have fired while its listener was being added (an emitter whose
        // once() calls at once): nothing more is added, and what was is removed.
        if (settled) return cleanup();
        // EventTargets have no 'error' semantics; emitters reject on 'error' as node:events does.
        if (event !== 'error' && typeof e.once === 'function') {
          e.once('error', onError);
          errorAdded = true;
          // A 'newListener' listener may have emitted the event (or 'error') meanwhile.
          if (settled) return cleanup();
        }
      } else {
        (emitter as OnceTarget).addEventListener(event as string, resolver, { once: true });
        eventAdded = true;
        if (settled) return cleanup();
      }
    } catch (error) {
      settled = true;
      cleanup();
      throw error;
    }
    // Through core's onAbort: heard even when an earlier 'abort' listener stops propagation.
    subscription = onAbort(signal, () => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(abortError(signal!));
    });
    if (timeoutMs !== undefined && !settled) {
      // Ref'd on purpose: a program awaiting this promise must see it settle, not exit.
      timer = setTimeout(() => {
        timer = undefined;
        if (settled) return;
        settled = true;
        cleanup();
        reject(createError('ERR_ONCE_TIMEOUT', { event, timeoutMs }));
      }, timeoutMs);
    }
  });
}
