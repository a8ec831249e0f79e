import { createError } from './catalogue/index.js';
import { invalidArgType } from './validate.js';

/**
 * `DisposableStack`, `AsyncDisposableStack` and `SuppressedError` as the TC39 explicit
 * resource management proposal defines them. Node 20 has `Symbol.dispose` and
 * `Symbol.asyncDispose` but not these classes; leakproof ships its own so `using` code
 * behaves the same on every supported Node. Disposers run last-in-first-out, each
 * exactly once; when several throw, the errors are chained through `SuppressedError`
 * the way the proposal specifies (the latest error outermost, the earlier one as `suppressed`).
 */

interface SuppressedErrorLike extends Error {
  readonly error: unknown;
  readonly suppressed: unknown;
}

type SuppressedErrorConstructor = new (
  error: unknown,
  suppressed: unknown,
  message?: string,
) => SuppressedErrorLike;

class SuppressedErrorPolyfill extends Error implements SuppressedErrorLike {
  readonly error: unknown;
  readonly suppressed: unknown;

  constructor(error: unknown, suppressed: unknown, message = 'An error was suppressed during disposal') {
    super(message);
    this.name = 'SuppressedError';
    this.error = error;
    this.suppressed = suppressed;
  }
}

/** The global `SuppressedError` where the runtime has one, a compatible class otherwise. */
export const SuppressedError: SuppressedErrorConstructor =
  (globalThis as { SuppressedError?: SuppressedErrorConstructor | undefined }).SuppressedError ??
  SuppressedErrorPolyfill;

enum State {
  Pending,
  Disposed,
}

type SyncDisposer = () => void;
type AsyncDisposer = () => void | PromiseLike<void>;

function disposeMethod(value: unknown, symbol: symbol, what: string): (this: unknown) => unknown {
  const method = (value as Record<symbol, unknown>)[symbol];
  if (typeof method !== 'function')
    throw createError('ERR_NOT_DISPOSABLE', { what, method: String(symbol.description) });
  return method as (this: unknown) => unknown;
}

function combine(previous: { error: unknown } | undefined, error: unknown): { error: unknown } {
  return { error: previous === undefined ? error : new SuppressedError(error, previous.error) };
}

/**
 * A stack of synchronous disposers, run last-in-first-out by {@link DisposableStack.dispose}.
 *
 * @example
 * ```ts
 * using stack = new DisposableStack();
 * const scope = stack.use(createScope());
 * stack.defer(() => clearInterval(timer));
 * ```
 */
export class DisposableStack implements Disposable {
  #state = State.Pending;
  #disposers: SyncDisposer[] = [];

  /** True once {@link dispose} (or {@link move}) has run. */
  get disposed(): boolean {
    return this.#state === State.Disposed;
  }

  #assertPending(): void {
    if (this.#state === State.Disposed) throw createError('ERR_STACK_DISPOSED', { what: 'DisposableStack' });
  }

  /** Adds `value`'s `[Symbol.dispose]` to the stack and returns `value`. `null`/`undefined` pass through. */
  use<T extends Disposable | null | undefined>(value: T): T {
    this.#assertPending();
    if (value !== null && value !== undefined) {
      const method = disposeMethod(value, Symbol.dispose, 'value passed to use()');
      this.#disposers.push(() => void method.call(value));
    }
    return value;
  }

  /** Adds `onDispose(value)` to the stack and returns `value`. */
  adopt<T>(value: T, onDispose: (value: T) => void): T {
    this.#assertPending();
    if (typeof onDispose !== 'function') throw invalidArgType('onDispose', 'a function', onDispose);
    this.#disposers.push(() => onDispose(value));
    return value;
  }

  /** Adds `onDispose` to the stack. */
  defer(onDispose: () => void): void {
    this.#assertPending();
    if (typeof onDispose !== 'function') throw invalidArgType('onDispose', 'a function', onDispose);
    this.#disposers.push(onDispose);
  }

  /** Moves every disposer into a new stack and marks this one disposed without running them. */
  move(): DisposableStack {
    this.#assertPending();
    const next = new DisposableStack();
    next.#disposers = this.#disposers;
    this.#disposers = [];
    this.#state = State.Disposed;
    return next;
  }

  /** Runs every disposer once, newest first; throws after all have run if any threw. Idempotent. */
  dispose(): void {
    if (this.#state === State.Disposed) return;
    this.#state = State.Disposed;
    const disposers = this.#disposers;
    this.#disposers = [];
    let failure: { error: unknown } | undefined;
    for (let i = disposers.length - 1; i >= 0; i--) {
      try {
        disposers[i]!();
      } catch (error) {
        failure = combine(failure, error);
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  get [Symbol.toStringTag](): string {
    return 'DisposableStack';
  }
}

/**
 * The asynchronous counterpart of {@link DisposableStack}: disposers may return promises and
 * run one after another, newest first. `use()` accepts async and sync disposables.
 *
 * @example
 * ```ts
 * await using stack = new AsyncDisposableStack();
 * const lease = stack.use(await pool.acquire());
 * ```
 */
export class AsyncDisposableStack implements AsyncDisposable {
  #state = State.Pending;
  #disposers: AsyncDisposer[] = [];

  /** True once {@link disposeAsync} (or {@link move}) has started. */
  get disposed(): boolean {
    return this.#state === State.Disposed;
  }

  #assertPending(): void {
    if (this.#state === State.Disposed)
      throw createError('ERR_STACK_DISPOSED', { what: 'AsyncDisposableStack' });
  }

  /** Adds `value`'s `[Symbol.asyncDispose]` (or `[Symbol.dispose]`) to the stack and returns `value`. */
  use<T extends AsyncDisposable | Disposable | null | undefined>(value: T): T {
    this.#assertPending();
    if (value !== null && value !== undefined) {
      const asyncMethod = (value as unknown as Record<symbol, unknown>)[Symbol.asyncDispose];
      const method =
        typeof asyncMethod === 'function'
          ? (asyncMethod as (this: unknown) => unknown)
          : disposeMethod(value, Symbol.dispose, 'value passed to use()');
      this.#disposers.push(async () => {
        await method.call(value);
      });
    }
    return value;
  }

  /** Adds `onDisposeAsync(value)` to the stack and returns `value`. */
  adopt<T>(value: T, onDisposeAsync: (value: T) => void | PromiseLike<void>): T {
    this.#assertPending();
    if (typeof onDisposeAsync !== 'function')
      throw invalidArgType('onDisposeAsync', 'a function', onDisposeAsync);
    this.#disposers.push(() => onDisposeAsync(value));
    return value;
  }

  /** Adds `onDisposeAsync` to the stack. */
  defer(onDisposeAsync: () => void | PromiseLike<void>): void {
    this.#assertPending();
    if (typeof onDisposeAsync !== 'function')
      throw invalidArgType('onDisposeAsync', 'a function', onDisposeAsync);
    this.#disposers.push(onDisposeAsync);
  }

  /** Moves every disposer into a new stack and marks this one disposed without running them. */
  move(): AsyncDisposableStack {
    this.#assertPending();
    const next = new AsyncDisposableStack();
    next.#disposers = this.#disposers;
    this.#disposers = [];
    this.#state = State.Disposed;
    return next;
  }

  /** Awaits every disposer once, newest first; rejects after all have run if any failed. Idempotent. */
  async disposeAsync(): Promise<void> {
    if (this.#state === State.Disposed) return;
    this.#state = State.Disposed;
    const disposers = this.#disposers;
    this.#disposers = [];
    let failure: { error: unknown } | undefined;
    for (let i = disposers.length - 1; i >= 0; i--) {
      try {
        await disposers[i]!();
      } catch (error) {
        failure = combine(failure, error);
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.disposeAsync();
  }

  get [Symbol.toStringTag](): string {
    return 'AsyncDisposableStack';
  }
}
