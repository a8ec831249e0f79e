// Making and unmaking resources: create (bounded, with backoff while it fails), destroy
// (bounded, never throws at callers) and validate (bounded; a hang means invalid). Every
// step is a `Within`; the ones an acquire is waiting for keep the process alive while it
// waits, the others never do.

import { createError, diagnosticsChannel, emitLeakproofWarning, publish } from '@leakproof/core';
import type { PoolFactory, ResolvedOptions } from './options.js';
import { Within } from './settle-within.js';
import { DESTROYING, GONE, type Slot, type Slots, VALIDATING } from './slots.js';

/**
 * What the generic-pool facade listens to. A hook that throws changes nothing: the pool has
 * finished its own work before it calls one, and the throw is reported as a warning.
 */
export interface PoolHooks {
  onCreateError?(error: unknown): void;
  onDestroyError?(error: unknown): void;
}

/** What making needs from its pool. */
export interface MakerHost<T> {
  readonly name: string;
  readonly closed: boolean;
  /** Whether acquires are waiting (their steps keep the process alive). */
  awaited(): boolean;
  /** A slot has its resource and is idle. */
  created(): void;
  /** A create failed (already counted). */
  createFailed(error: unknown): void;
  /** A validate ended; the slot is still VALIDATING. */
  validated(slot: Slot<T>, valid: boolean, forBorrow: boolean): void;
  /** Something changed that may let a waiter be served or a create start (a destroy ended, the backoff ran out). */
  dispatch(): void;
}

const channels = {
  create: diagnosticsChannel('pool', 'create'),
  createError: diagnosticsChannel('pool', 'create-error'),
  destroy: diagnosticsChannel('pool', 'destroy'),
  destroyError: diagnosticsChannel('pool', 'destroy-error'),
};

/** Calls a hook; a throw is reported as a process warning and changes nothing else. */
export function callHook(name: string, hook: ((error: unknown) => void) | undefined, error: unknown): void {
  if (hook === undefined) return;
  try {
    hook(error);
  } catch (listenerError) {
    emitLeakproofWarning(
      `A listener of pool "${name}" threw; the pool carried on as if it had not`,
      'LEAKPROOF_LISTENER_ERROR',
      listenerError instanceof Error ? listenerError.stack : String(listenerError),
    );
  }
}

export class Maker<T> {
  /** Consecutive failed creates. */
  failures = 0;
  lastCreateError: unknown = undefined;
  readonly #factory: PoolFactory<T>;
  readonly #o: ResolvedOptions;
  readonly #slots: Slots<T>;
  readonly #hooks: PoolHooks;
  readonly #host: MakerHost<T>;
  /** Creates in flight and their controllers. */
  readonly #creates = new Map<Slot<T>, AbortController>();
  /** Destroys in flight. */
  readonly #destroys = new Map<Promise<void>, Within>();
  /** Steps an acquire may be waiting for: creates, validates before a loan, the backoff. */
  readonly #awaitable = new Set<Within>();
  #backoff: Within | undefined = undefined;
  /** close() awaits every destroy from now on. */
  #closing = false;

  constructor(
    factory: PoolFactory<T>,
    o: ResolvedOptions,
    slots: Slots<T>,
    hooks: PoolHooks,
    host: MakerHost<T>,
  ) {
    this.#factory = factory;
    this.#o = o;
    this.#slots = slots;
    this.#hooks = hooks;
    this.#host = host;
  }

  /** Whether another create may start now. */
  canCreate(): boolean {
    return (
      !this.#host.closed &&
      this.#slots.live < this.#o.max &&
      this.#backoff === undefined &&
      // While creates fail, one probe at a time.
      (this.failures === 0 || this.#slots.creating === 0)
    );
  }

  /** Acquires started or stopped waiting: their steps keep the process alive, or no longer. */
  awaited(awaited: boolean): void {
    for (const step of this.#awaitable) step.await(awaited);
  }

  create(): void {
    const slot = this.#slots.open();
    const controller = new AbortController();
    this.#creates.set(slot, controller);
    const ms = this.#o.createTimeoutMs;
    const step = new Within(
      ms,
      () => {
        const error = createError('ERR_POOL_CREATE_TIMEOUT', { pool: this.#host.name, timeoutMs: ms });
        controller.abort(error);
        this.#createFailed(slot, step, error);
      },
      this.#host.awaited(),
    );
    slot.step = step;
    this.#awaitable.add(step);
    let result: T | PromiseLike<T>;
    try {
      result = this.#factory.create({ signal: controller.signal });
    } catch (error) {
      // A synchronous throw still waits a tick, so a failing create can never recurse.
      queueMicrotask(() => {
        if (step.finish()) this.#createFailed(slot, step, error);
      });
      return;
    }
    Promise.resolve(result).then(
      (resource) => {
        if (step.finish()) this.#createSucceeded(slot, step, resource);
        // Abandoned (timed out or closed) but it arrived anyway: dispose of it, no timer armed.
        else this.#destroyAbandoned(resource);
      },
      (error: unknown) => {
        if (step.finish()) this.#createFailed(slot, step, error);
      },
    );
  }

  #createSucceeded(slot: Slot<T>, step: Within, resource: T): void {
    this.#awaitable.delete(step);
    this.#creates.delete(slot);
    slot.step = undefined;
    this.failures = 0;
    // A create that succeeds ends the backoff another one started: the backend is back.
    this.#stopBackoff();
    this.#slots.made(slot, resource, performance.now(), this.#o.maxLifetimeMs);
    publish(channels.create, () => ({ pool: this.#host.name }));
    this.#host.created();
  }

  #createFailed(slot: Slot<T>, step: Within, error: unknown): void {
    this.#awaitable.delete(step);
    this.#creates.delete(slot);
    slot.step = undefined;
    this.#slots.move(slot, GONE);
    this.#slots.totals.createErrors++;
    this.failures++;
    this.lastCreateError = error;
    const failures = this.failures;
    publish(channels.createError, () => ({ pool: this.#host.name, error, failures }));
    if (!this.#host.closed) this.#armBackoff();
    this.#host.createFailed(error);
    callHook(this.#host.name, this.#hooks.onCreateError, error);
  }

  #armBackoff(): void {
    const { minDelayMs, maxDelayMs, factor } = this.#o;
    const base = Math.min(maxDelayMs, minDelayMs * factor ** Math.min(this.failures - 1, 64));
    // Equal jitter: half fixed, half random, so many pools failing together spread out.
    const delay = base / 2 + Math.random() * (base / 2);
    this.#stopBackoff();
    const step = new Within(
      delay,
      () => {
        this.#awaitable.delete(step);
        this.#backoff = undefined;
        this.#host.dispatch();
      },
      this.#host.awaited(),
    );
    this.#backoff = step;
    this.#awaitable.add(step);
  }

  #stopBackoff(): void {
    const step = this.#backoff;
    if (step === undefined) return;
    step.finish();
    this.#awaitable.delete(step);
    this.#backoff = undefined;
  }

  #destroyAbandoned(resource: T): void {
    try {
      Promise.resolve(this.#factory.destroy(resource)).catch((error: unknown) => this.destroyError(error));
    } catch (error) {
      this.destroyError(error);
    }
  }

  destroyError(error: unknown): void {
    this.#slots.totals.destroyErrors++;
    publish(channels.destroyError, () => ({ pool: this.#host.name, error }));
    callHook(this.#host.name, this.#hooks.onDestroyError, error);
  }

  /**
   * Destroys a slot that is no longer idle-listed or lent (the caller took it). Resolves when
   * `factory.destroy` has finished or timed out; never rejects.
   */
  destroy(slot: Slot<T>, reason: unknown): Promise<void> {
    this.#slots.move(slot, DESTROYING);
    const ms = this.#o.destroyTimeoutMs;
    let resolve!: () => void;
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const end = (error: unknown): void => {
      slot.step = undefined;
      this.#slots.move(slot, GONE);
      this.#slots.totals.destroyed++;
      this.#destroys.delete(done);
      publish(channels.destroy, () => ({ pool: this.#host.name, reason, error }));
      if (error !== undefined) this.destroyError(error);
      resolve();
      this.#host.dispatch();
    };
    const step = new Within(
      ms,
      () => end(createError('ERR_POOL_DESTROY_TIMEOUT', { pool: this.#host.name, timeoutMs: ms })),
      this.#closing,
    );
    slot.step = step;
    this.#destroys.set(done, step);
    try {
      Promise.resolve(this.#factory.destroy(slot.resource)).then(
        () => {
          if (step.finish()) end(undefined);
        },
        (error: unknown) => {
          if (step.finish()) end(error ?? new Error('factory.destroy() rejected'));
        },
      );
    } catch (error) {
      const e = error ?? new Error('factory.destroy() threw');
      queueMicrotask(() => {
        if (step.finish()) end(e);
      });
    }
    return done;
  }

  /** Validates a slot (taken out of the idle list, or back from a loan). */
  validate(slot: Slot<T>, forBorrow: boolean): void {
    this.#slots.move(slot, VALIDATING);
    const end = (valid: boolean): void => {
      this.#awaitable.delete(step);
      slot.step = undefined;
      this.#host.validated(slot, valid, forBorrow);
    };
    const step = new Within(this.#o.validateTimeoutMs, () => end(false), forBorrow && this.#host.awaited());
    slot.step = step;
    if (forBorrow) this.#awaitable.add(step);
    let result: boolean | PromiseLike<boolean>;
    try {
      result = this.#factory.validate!(slot.resource);
    } catch {
      queueMicrotask(() => {
        if (step.finish()) end(false);
      });
      return;
    }
    Promise.resolve(result).then(
      (valid) => {
        if (step.finish()) end(valid === true);
      },
      () => {
        if (step.finish()) end(false);
      },
    );
  }

  /** Stops a validate in progress (close took its slot): its result will be ignored. */
  abandonValidate(slot: Slot<T>): void {
    const step = slot.step;
    if (step === undefined) return;
    step.finish();
    this.#awaitable.delete(step);
    slot.step = undefined;
  }

  /** close(): no more backoff, creates in flight abandoned (their signal aborts with `reason`). */
  stop(reason: unknown): void {
    this.#closing = true;
    this.#stopBackoff();
    for (const [slot, controller] of [...this.#creates]) {
      const step = slot.step;
      if (step !== undefined) {
        step.finish();
        this.#awaitable.delete(step);
      }
      slot.step = undefined;
      this.#creates.delete(slot);
      this.#slots.move(slot, GONE);
      controller.abort(reason);
    }
    // close() awaits the destroys in flight: their timers keep the process alive until then.
    for (const step of this.#destroys.values()) step.await(true);
  }

  /** Resolves when no destroy is in flight. */
  async destroysSettled(): Promise<void> {
    while (this.#destroys.size > 0) await Promise.all([...this.#destroys.keys()]);
  }
}
