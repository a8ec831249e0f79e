import {
  abortError,
  invalidArgType,
  MAX_ENTRIES,
  onAbort,
  validateOneOf,
  validateOptions,
} from '@leakproof/core';
import { EventBufferOverflowError } from './errors.js';
import { nodeInvalidArgType, nodeOutOfRange, validateOptionsObject, validateSignal } from './node-errors.js';

/** What {@link on} does when its buffer is full and another event arrives. */
export type OverflowPolicy = 'error' | 'drop-oldest' | 'drop-newest';

const POLICIES = ['error', 'drop-oldest', 'drop-newest'] as const;
// Node's names are all accepted; lowWaterMark has no use here (the buffer never pauses the
// emitter) but is validated as Node validates it.
const ON_OPTIONS = [
  'signal',
  'close',
  'highWaterMark',
  'highWatermark',
  'lowWaterMark',
  'lowWatermark',
  'overflow',
];

/** The default bound of {@link on}'s buffer. */
export const DEFAULT_HIGH_WATER_MARK = 1024;

/** Options of {@link on}. */
export interface OnOptions {
  /** Ends the iteration with an `AbortError` when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Events that end the iteration (`done`) when emitted. */
  readonly close?: readonly (string | symbol)[] | undefined;
  /** Events buffered while nobody is awaiting `next()`, at most (1..2^24). @default 1024 */
  readonly highWaterMark?: number | undefined;
  /** Node's older spelling of `highWaterMark`, accepted as Node accepts it. */
  readonly highWatermark?: number | undefined;
  /** Node's option, validated as Node does and otherwise unused: the buffer never pauses the emitter. */
  readonly lowWaterMark?: number | undefined;
  /** Node's older spelling of `lowWaterMark`. */
  readonly lowWatermark?: number | undefined;
  /**
   * When the buffer is full: `'error'` ends the iteration with `ERR_EVENT_BUFFER_OVERFLOW`,
   * `'drop-oldest'` discards the oldest buffered event, `'drop-newest'` discards the new one.
   * @default 'error'
   */
  readonly overflow?: OverflowPolicy | undefined;
}

function validateHighWaterMark(value: unknown, name: string): number {
  if (value === undefined) return DEFAULT_HIGH_WATER_MARK;
  if (typeof value !== 'number') throw nodeInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw nodeOutOfRange(name, 'an integer', value);
  // Below 1 is Node's misuse, in Node's words; above 2^24 is leakproof's own bound.
  if (value < 1) throw nodeOutOfRange(name, `>= 1 && <= ${Number.MAX_SAFE_INTEGER}`, value);
  if (value > MAX_ENTRIES) throw nodeOutOfRange(name, `>= 1 && <= ${MAX_ENTRIES}`, value);
  return value;
}

interface Emitterish {
  on(type: string | symbol, listener: Function): unknown;
  removeListener(type: string | symbol, listener: Function): unknown;
}
interface Targetish {
  addEventListener(type: string, listener: Function): void;
  removeEventListener(type: string, listener: Function): void;
}

interface Pending {
  resolve(result: IteratorResult<unknown[]>): void;
  reject(error: unknown): void;
}

/**
 * `events.on` with a bounded buffer: an async iterator over `event`'s argument lists. It
 * ends on `'error'` (thrown to the consumer), on abort (`AbortError`), on any `close`
 * event, or when the consumer stops (`break`/`return()`); every listener it added is
 * removed then. Events arriving faster than they are consumed are buffered up to
 * `highWaterMark`, then handled by the `overflow` policy — never unbounded.
 *
 * @example
 * ```ts
 * for await (const [order] of on(orders, 'created', { signal, highWaterMark: 100, overflow: 'drop-oldest' })) {
 *   await ship(order);
 * }
 * ```
 */
export function on(
  emitter: object,
  event: string | symbol,
  options?: OnOptions,
  // biome-ignore lint/suspicious/noExplicitAny: yields the listener's arguments, as node:events does
): AsyncIterableIterator<any[]> & AsyncDisposable {
  const opts = validateOptionsObject<OnOptions>(options) ?? {};
  validateOptions(opts, 'options', ON_OPTIONS, { owner: 'on()' });
  const signal = validateSignal(opts.signal, 'options.signal');
  if (signal?.aborted) throw abortError(signal);
  const highWaterMark = validateHighWaterMark(
    opts.highWaterMark ?? opts.highWatermark,
    'options.highWaterMark',
  );
  validateHighWaterMark(opts.lowWaterMark ?? opts.lowWatermark, 'options.lowWaterMark');
  const overflow: OverflowPolicy =
    opts.overflow === undefined ? 'error' : validateOneOf(opts.overflow, 'options.overflow', POLICIES);
  const close = opts.close ?? [];
  if (!Array.isArray(close)) throw invalidArgType('options.close', 'an array of event names', close);
  const isEmitter = typeof (emitter as Partial<Emitterish> | null)?.on === 'function';
  if (!isEmitter && typeof (emitter as Partial<Targetish> | null)?.addEventListener !== 'function') {
    throw nodeInvalidArgType('emitter', 'EventEmitter', emitter);
  }

  const buffered: unknown[][] = [];
  const pending: Pending[] = [];
  let error: unknown;
  let hasError = false;
  let finished = false;
  const added: [string | symbol, Function][] = [];

  const add = (type: string | symbol, listener: Function): void => {
    if (isEmitter) (emitter as Emitterish).on(type, listener);
    else (emitter as Targetish).addEventListener(type as string, listener);
    added.push([type, listener]);
    // A 'newListener' listener may have ended the iteration while this one was being added.
    if (finished) removeAll();
  };
  const removeAll = (): void => {
    for (let i = added.length - 1; i >= 0; i--) {
      const [type, listener] = added[i]!;
      if (isEmitter) (emitter as Emitterish).removeListener(type, listener);
      else (emitter as Targetish).removeEventListener(type as string, listener);
    }
    added.length = 0;
    subscription?.[Symbol.dispose]();
    subscription = undefined;
  };
  const closeHandler = (): Promise<IteratorResult<unknown[]>> => {
    removeAll();
    finished = true;
    const done: IteratorResult<unknown[]> = { value: undefined, done: true };
    while (pending.length > 0) pending.shift()!.resolve(done);
    return Promise.resolve(done);
  };
  const errorHandler = (err: unknown): void => {
    const waiter = pending.shift();
    if (waiter === undefined) {
      error = err;
      hasError = true;
    } else {
      waiter.reject(err);
    }
    void closeHandler();
  };
  const eventHandler = (...args: unknown[]): void => {
    const waiter = pending.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value: args, done: false });
      return;
    }
    if (buffered.length < highWaterMark) {
      buffered.push(args);
      return;
    }
    if (overflow === 'drop-newest') return;
    if (overflow === 'drop-oldest') {
      buffered.shift();
      buffered.push(args);
      return;
    }
    errorHandler(new EventBufferOverflowError(event, highWaterMark));
  };
  let subscription: Disposable | undefined;

  try {
    add(event, eventHandler);
    if (event !== 'error' && isEmitter) add('error', errorHandler);
    for (const name of close) add(name, closeHandler);
  } catch (err) {
    removeAll();
    throw err;
  }
  // Through core's onAbort: heard even when an earlier 'abort' listener stops propagation.
  if (!finished) subscription = onAbort(signal, () => errorHandler(abortError(signal!)));

  const iterator: AsyncIterableIterator<unknown[]> & AsyncDisposable = {
    next(): Promise<IteratorResult<unknown[]>> {
      const value = buffered.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (hasError) {
        const p = Promise.reject(error);
        error = undefined;
        hasError = false;
        return p;
      }
      if (finished) return closeHandler();
      return new Promise((resolve, reject) => {
        pending.push({ resolve, reject });
      });
    },
    return(): Promise<IteratorResult<unknown[]>> {
      return closeHandler();
    },
    throw(err: unknown): Promise<IteratorResult<unknown[]>> {
      if (!(err instanceof Error)) throw nodeInvalidArgType('EventEmitter.AsyncIterator', 'Error', err);
      errorHandler(err);
      return closeHandler();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async [Symbol.asyncDispose]() {
      await closeHandler();
    },
  };
  return iterator;
}
