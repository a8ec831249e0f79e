import {
  AbortError,
  abortError,
  diagnosticsChannel,
  onAbort,
  publish,
  type Registration,
  registerPrimitive,
} from '@leakproof/core';
import type { Stage, StageOptions, StageStats } from '../stage.js';

type Result<T> = IteratorResult<T, undefined>;

interface Waiter<T> {
  resolve(result: Result<T>): void;
  reject(error: unknown): void;
}

enum Phase {
  Idle,
  Open,
  Closing,
  Closed,
}

type CloseReason = 'done' | 'return' | 'error' | 'abort';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

type Subscription = Disposable & { dispose(): void };

// A stage abandoned half-way (never returned, never drained) must not be kept alive by a
// long-lived signal: the listener holds the stage weakly, and is removed when it is collected.
const abandoned = new FinalizationRegistry<Subscription>((subscription) => subscription.dispose());
const closeChannel = diagnosticsChannel('iter', 'close');

/**
 * The machinery shared by every stage: a queue of pending `next()` calls that the
 * subclass answers with {@link deliver}, and one close path (consumer `return()`, the
 * caller's signal, an error, or the end of the source) that aborts in-flight work, closes
 * the sources, removes the signal listener and unregisters, each exactly once.
 *
 * Hand-rolled rather than an `async function*`: a generator suspended at an `await`
 * cannot be returned until that await settles, so it could neither close its source
 * promptly nor answer `return()` while a read is pending.
 */
export abstract class BaseStage<T> implements Stage<T> {
  readonly name: string | undefined;
  readonly #op: string;
  readonly #signal: AbortSignal | undefined;
  readonly #register: boolean;
  #phase = Phase.Idle;
  #waiters: Waiter<T>[] = [];
  #closing: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;
  #subscription: Subscription | undefined;
  #registration: Registration | undefined;
  #controller: AbortController | undefined;
  #yielded = 0;
  #returned = false;

  protected constructor(op: string, options: StageOptions | undefined, register: boolean) {
    this.#op = op;
    this.name = options?.name;
    this.#signal = options?.signal;
    this.#register = register;
  }

  /** Answers pending `next()` calls; called after each `next()` while the stage is open. */
  protected abstract pump(): void;

  /** Closes the sources that are not finished and clears timers. Called once. */
  protected abstract release(): Promise<void> | void;

  /** Extra figures for {@link stats}. */
  protected extraStats(): Record<string, number> {
    return {};
  }

  /** Pending `next()` calls. */
  protected get waiting(): number {
    return this.#waiters.length;
  }

  /** True while the stage may still deliver. */
  protected get isOpen(): boolean {
    return this.#phase === Phase.Open;
  }

  /** The signal handed to in-flight work; aborted when the stage closes for any reason. */
  protected get workSignal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /** Answers the oldest pending `next()` with `value`. */
  protected deliver(value: T): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return;
    this.#yielded++;
    waiter.resolve({ done: false, value });
  }

  /** The source is exhausted (or the stage has had enough): close and answer done. */
  protected complete(): void {
    void this.#close('done', undefined);
  }

  /** Fails the stage: closes everything, then the error surfaces once. */
  protected fail(error: unknown): void {
    void this.#close('error', { error });
  }

  stats(): StageStats {
    return { yielded: this.#yielded, waiting: this.#waiters.length, ...this.extraStats() };
  }

  next(): Promise<Result<T>> {
    if (this.#phase !== Phase.Open) {
      if (this.#phase !== Phase.Idle) return this.#afterClose();
      if (!this.#start()) return this.#afterClose();
    }
    return new Promise<Result<T>>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      try {
        this.pump();
      } catch (error) {
        this.fail(error);
      }
    });
  }

  /**
   * Closes the stage: aborts in-flight work, closes the source and settles once the
   * source's `return()` (its `finally`) has. Pending `next()` calls resolve done.
   */
  return(): Promise<Result<T>> {
    this.#returned = true;
    this.#failure = undefined;
    return this.#close('return', undefined).then(() => DONE);
  }

  /** Closes the stage like {@link return}, then rejects with `error`. */
  throw(error: unknown): Promise<Result<T>> {
    this.#returned = true;
    this.#failure = undefined;
    return this.#close('return', undefined).then(
      () => Promise.reject(error),
      () => Promise.reject(error),
    );
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Same as {@link return}, resolving to nothing. */
  async close(): Promise<void> {
    await this.return();
  }

  /** Same as {@link return}: `await using it = chunk(...)` closes the pipeline on scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }

  /** Opens the stage at the first `next()`; false when the signal had already aborted. */
  #start(): boolean {
    this.#phase = Phase.Open;
    const signal = this.#signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        void this.#close('abort', { error: abortError(signal) });
        return false;
      }
      const stage = new WeakRef<BaseStage<T>>(this);
      const subscription = onAbort(signal, () => {
        const live = stage.deref();
        if (live !== undefined) void live.#close('abort', { error: abortError(signal) });
      });
      this.#subscription = subscription;
      abandoned.register(this, subscription, subscription);
    }
    if (this.#register) {
      this.#registration = registerPrimitive(this, {
        kind: 'iter',
        name: this.name,
      });
    }
    return true;
  }

  #afterClose(): Promise<Result<T>> {
    const closing = this.#closing;
    if (closing === undefined) return Promise.resolve(DONE);
    return closing.then(
      () => this.#takeFailure(),
      () => this.#takeFailure(),
    );
  }

  #takeFailure(): Result<T> {
    const failure = this.#failure;
    if (failure === undefined || this.#returned) return DONE;
    this.#failure = undefined;
    throw failure.error;
  }

  #close(reason: CloseReason, failure: { error: unknown } | undefined): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const started = this.#phase !== Phase.Idle;
    this.#phase = Phase.Closing;
    const subscription = this.#subscription;
    if (subscription !== undefined) {
      this.#subscription = undefined;
      subscription.dispose();
      abandoned.unregister(subscription);
    }
    if (this.#controller !== undefined) {
      const why = failure?.error;
      this.#controller.abort(
        why instanceof AbortError ? why : new AbortError('The iteration was closed', { cause: why }),
      );
    }
    this.#closing = this.#finishClose(reason, failure, started);
    return this.#closing;
  }

  async #finishClose(reason: CloseReason, failure: { error: unknown } | undefined, started: boolean) {
    let closeFailure = failure;
    try {
      await this.release();
    } catch (error) {
      // The first error wins; a source that also fails to close is secondary.
      closeFailure ??= { error };
    }
    this.#phase = Phase.Closed;
    this.#registration?.unregister();
    this.#registration = undefined;
    if (started) {
      publish(closeChannel, () => ({ op: this.#op, name: this.name, reason, stats: this.stats() }));
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    let delivered = closeFailure === undefined;
    for (const waiter of waiters) {
      if (!delivered) {
        delivered = true;
        waiter.reject(closeFailure!.error);
      } else waiter.resolve(DONE);
    }
    if (!delivered) {
      if (reason === 'return') throw closeFailure!.error;
      if (!this.#returned) this.#failure = closeFailure;
    }
  }
}
