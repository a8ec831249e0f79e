import {
  abortError,
  captureStack,
  createError,
  diagnosticsChannel,
  isStackCaptureEnabled,
  publish,
  type Registration,
  registerPrimitive,
  validateAbortSignal,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateInteger,
  validateOptions,
} from '@leakproof/core';
import { Housekeeper } from './housekeeping.js';
import { Lease, type SettleLease } from './lease.js';
import { Maker, type PoolHooks } from './making.js';
import {
  type PoolFactory,
  type PoolOptions,
  type ResolvedOptions,
  resolveOptions,
  validateFactory,
} from './options.js';
import { Within } from './settle-within.js';
import { BORROWED, type Slot, Slots, VALIDATING } from './slots.js';
import { Waiters } from './waiters.js';

/** Options of one {@link Pool.acquire} call. */
export interface AcquireOptions {
  /** Aborting it rejects this acquire with an `AbortError` (if it is still waiting). */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the pool's `acquireTimeoutMs` for this call. */
  readonly timeoutMs?: number | undefined;
  /** 0 is served first; up to the pool's `priorityRange - 1`. @default 0 */
  readonly priority?: number | undefined;
}

/** Options of one {@link Pool.use} call. */
export interface UseOptions extends AcquireOptions {
  /** Overrides the pool's `destroyOnError` for this call. */
  readonly destroyOnError?: boolean | undefined;
}

/** Options of {@link Pool.close}. */
export interface CloseOptions {
  /** How long to wait for borrowed resources to come back before destroying them anyway. @default 10000 */
  readonly timeoutMs?: number | undefined;
}

/** Figures a pool reports; all plain numbers. `size === available + borrowed + validating + creating + destroying`. */
export type PoolStats = {
  /** Resources alive or in the making: never more than `max`. */
  readonly size: number;
  readonly available: number;
  readonly borrowed: number;
  readonly validating: number;
  /** Acquires waiting. */
  readonly pending: number;
  readonly creating: number;
  readonly destroying: number;
  readonly max: number;
  readonly min: number;
  /** Totals since the pool was made. */
  readonly created: number;
  readonly destroyed: number;
  readonly acquired: number;
  readonly acquireTimeouts: number;
  readonly createErrors: number;
  readonly destroyErrors: number;
  readonly validationFailures: number;
  /** Leases reported as held past `leakDetectionMs` or garbage-collected unreleased. */
  readonly leaksDetected: number;
};

interface Deferred {
  resolve(): void;
  reject(error: unknown): void;
}

const noop = (): void => {};
const ACQUIRE_OPTIONS = ['signal', 'timeoutMs', 'priority'] as const;
const USE_OPTIONS = [...ACQUIRE_OPTIONS, 'destroyOnError'] as const;
const CLOSE_OPTIONS = ['timeoutMs'] as const;
const RESOLVED = Promise.resolve();

const channels = {
  acquireTimeout: diagnosticsChannel('pool', 'acquire-timeout'),
  close: diagnosticsChannel('pool', 'close'),
};

/**
 * A bounded pool of resources lent as self-closing {@link Lease}s. Make one with
 * {@link createPool}.
 */
export class Pool<T> implements AsyncDisposable {
  /** The pool's name (given, or `pool#<id>`). */
  readonly name: string;
  /** Most resources alive at once. */
  readonly max: number;
  /** Resources kept even when idle. */
  readonly min: number;

  readonly #o: ResolvedOptions;
  readonly #registration: Registration;
  readonly #settle: SettleLease<T>;
  readonly #slots: Slots<T>;
  readonly #waiters: Waiters<T>;
  readonly #maker: Maker<T>;
  readonly #house: Housekeeper<T>;
  #readyWaiters: Deferred[] = [];
  #dispatching = false;
  #redispatch = false;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;
  #onOutstandingZero: (() => void) | undefined = undefined;
  readonly #captureForLeaks: boolean;

  /** @internal Use {@link createPool}. */
  constructor(factory: PoolFactory<T>, options: PoolOptions, hooks: PoolHooks = {}) {
    const f = validateFactory<T>(factory);
    const o = resolveOptions(options, f.validate !== undefined);
    this.#o = o;
    this.max = o.max;
    this.min = o.min;
    this.#captureForLeaks = o.leakDetectionMs !== Number.POSITIVE_INFINITY;
    this.#settle = (slot, id, destroy, reason) => this.#settleLease(slot, id, destroy, reason);
    this.#registration = registerPrimitive(this, { kind: 'pool', name: o.name });
    this.name = this.#registration.name;
    const pool = this;
    this.#slots = new Slots<T>(o.lifo);
    this.#waiters = new Waiters<T>(o.priorityRange, o.acquireTimeoutMs, {
      timedOut: (timeoutMs) => this.#timedOut(timeoutMs),
      occupied: (occupied) => this.#maker.awaited(occupied),
    });
    this.#maker = new Maker<T>(f, o, this.#slots, hooks, {
      name: this.name,
      get closed() {
        return pool.#closed;
      },
      awaited: () => this.#waiters.size > 0,
      created: () => this.#created(),
      createFailed: (error) => this.#createFailed(error),
      validated: (slot, valid, forBorrow) => this.#validated(slot, valid, forBorrow),
      dispatch: () => this.#dispatch(),
    });
    this.#house = new Housekeeper<T>(o, this.#slots, {
      name: this.name,
      get closed() {
        return pool.#closed;
      },
      destroy: (slot, reason) => this.#maker.destroy(slot, reason),
      dispatch: () => this.#dispatch(),
      loanEnded: () => this.#checkOutstanding(),
    });
    this.#dispatch();
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Borrows a resource: an idle one, a new one (up to `max`), or the next one returned.
   * Rejects with `ERR_POOL_CLOSED`, `ERR_POOL_BUSY` (queue full), `ERR_POOL_TIMEOUT` (with the
   * last create error as `cause` when creating is failing), or an `AbortError`.
   *
   * @example
   * ```ts
   * await using lease = await pool.acquire({ timeoutMs: 2000 });
   * use(lease.resource);
   * ```
   */
  acquire(options?: AcquireOptions): Promise<Lease<T>> {
    return this.#acquire(options, ACQUIRE_OPTIONS, 2);
  }

  /**
   * Acquires, runs `fn(resource)` (sync or async) and always hands the resource back: released
   * when `fn` succeeds; when it throws or rejects, destroyed if `destroyOnError` is set,
   * released otherwise. Settles like `fn`.
   *
   * @example
   * ```ts
   * const rows = await pool.use((client) => client.query('select now()'));
   * ```
   */
  async use<R>(fn: (resource: T) => R | PromiseLike<R>, options?: UseOptions): Promise<Awaited<R>> {
    validateFunction(fn, 'fn');
    const destroyOnError =
      options?.destroyOnError === undefined
        ? this.#o.destroyOnError
        : validateBoolean(options.destroyOnError, 'options.destroyOnError');
    const lease = await this.#acquire(options, USE_OPTIONS, 2);
    let result: Awaited<R>;
    try {
      result = await fn(lease.resource);
    } catch (error) {
      if (destroyOnError) void lease.destroy(error);
      else lease.release();
      throw error;
    }
    lease.release();
    return result;
  }

  /**
   * Resolves when `min` resources exist (at once when `min` is 0); rejects with the create
   * error when a create fails first, or `ERR_POOL_CLOSED`.
   */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(createError('ERR_POOL_CLOSED', { pool: this.name }));
    if (this.#slots.existing >= this.min) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      this.#dispatch();
    });
  }

  /** Destroys every idle resource now (they are recreated up to `min`); resolves when they are gone. */
  clear(): Promise<void> {
    const idle = this.#slots.takeAllIdle();
    const done = idle.map((slot) => this.#maker.destroy(slot, 'clear'));
    return Promise.all(done).then(noop);
  }

  /** The pool's figures (see {@link PoolStats}). */
  stats(): PoolStats {
    const s = this.#slots;
    const t = s.totals;
    return {
      size: s.live,
      available: s.idle,
      borrowed: s.borrowed,
      validating: s.validating,
      pending: this.#waiters.size,
      creating: s.creating,
      destroying: s.destroying,
      max: this.max,
      min: this.min,
      created: t.created,
      destroyed: t.destroyed,
      acquired: t.acquired,
      acquireTimeouts: t.acquireTimeouts,
      createErrors: t.createErrors,
      destroyErrors: t.destroyErrors,
      validationFailures: t.validationFailures,
      leaksDetected: t.leaksDetected,
    };
  }

  /**
   * Stops lending: new acquires reject with `ERR_POOL_CLOSED`, waiters too; waits up to
   * `timeoutMs` for borrowed resources to come back, then destroys everything, borrowed
   * resources included. Resolves when every destroy has finished or timed out; never rejects.
   * Afterwards the pool holds no timer. Idempotent.
   */
  close(options?: CloseOptions): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    const o = validateOptions<CloseOptions>(options, 'options', CLOSE_OPTIONS, { owner: 'close' });
    const timeoutMs =
      o.timeoutMs === undefined
        ? 10_000
        : validateDuration(o.timeoutMs, 'options.timeoutMs', { allowInfinity: true });
    this.#closed = true;
    this.#closing = this.#shutdown(timeoutMs);
    return this.#closing;
  }

  /** Same as {@link Pool.close} with its default timeout: `await using pool = createPool(...)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- acquiring -------------------------------------------------------------------------

  #acquire(options: AcquireOptions | undefined, known: readonly string[], skip: number): Promise<Lease<T>> {
    let timeoutMs = this.#o.acquireTimeoutMs;
    let priority = 0;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      try {
        validateOptions(options, 'options', known, { owner: known === USE_OPTIONS ? 'use' : 'acquire' });
        if (options.signal !== undefined) signal = validateAbortSignal(options.signal, 'options.signal');
        if (options.timeoutMs !== undefined) {
          timeoutMs = validateDuration(options.timeoutMs, 'options.timeoutMs', { allowInfinity: true });
        }
        if (options.priority !== undefined) {
          priority = validateInteger(options.priority, 'options.priority', {
            min: 0,
            max: this.#o.priorityRange - 1,
          });
        }
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#closed) return Promise.reject(createError('ERR_POOL_CLOSED', { pool: this.name }));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const stack = this.#captureForLeaks
      ? captureStack(skip, true)
      : isStackCaptureEnabled()
        ? captureStack(skip)
        : undefined;
    const waiters = this.#waiters;
    // Fast path: nobody queued ahead and an idle resource needs no validation.
    if (waiters.size === 0 && !this.#o.validateOnBorrow) {
      const slot = this.#takeIdle();
      if (slot !== undefined) return Promise.resolve(this.#lend(slot, stack));
    }
    // At most `maxWaiting` wait for a resource to come back, plus one per resource that may
    // still be created: the bound holds whether creates succeed or keep failing.
    if (waiters.size >= this.#o.maxWaiting + this.max - this.#slots.live) {
      return Promise.reject(createError('ERR_POOL_BUSY', { pool: this.name, waiting: waiters.size }));
    }
    return new Promise<Lease<T>>((resolve, reject) => {
      waiters.add(resolve, reject, priority, stack, timeoutMs, signal);
      this.#dispatch();
    });
  }

  #timedOut(timeoutMs: number): unknown {
    this.#slots.totals.acquireTimeouts++;
    const cause = this.#maker.failures > 0 ? this.#maker.lastCreateError : undefined;
    publish(channels.acquireTimeout, () => ({ pool: this.name, timeoutMs, cause }));
    return createError(
      'ERR_POOL_TIMEOUT',
      { pool: this.name, timeoutMs, failing: cause !== undefined },
      cause === undefined ? undefined : { cause },
    );
  }

  /** Hands a slot to the next waiter; false (the slot untouched) when nobody is waiting. */
  #handToNext(slot: Slot<T>): boolean {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) return false;
    waiter.resolve(this.#lend(slot, waiter.stack));
    return true;
  }

  #lend(slot: Slot<T>, stack: string | undefined): Lease<T> {
    this.#slots.lend(slot);
    const id = ++slot.uses;
    this.#slots.totals.acquired++;
    const lease = new Lease(this.#settle, slot, id);
    slot.stack = stack;
    this.#house.lent(lease, slot, id, this.#captureForLeaks);
    return lease;
  }

  /**
   * The next usable idle slot, out of the idle list; retires expired ones on the way. A slot
   * never lent serves one loan even when its lifetime ran out while it was being made, so a
   * lifetime shorter than a create can never turn into a create–destroy loop.
   */
  #takeIdle(): Slot<T> | undefined {
    const checkLifetime = this.#o.maxLifetimeMs !== Number.POSITIVE_INFINITY;
    for (;;) {
      const slot = this.#slots.takeIdle();
      if (slot === undefined) return undefined;
      if (checkLifetime && slot.uses > 0 && performance.now() >= slot.expiresAt) {
        void this.#maker.destroy(slot, 'lifetime');
        continue;
      }
      return slot;
    }
  }

  #pushIdle(slot: Slot<T>): void {
    this.#slots.pushIdle(slot, performance.now());
    this.#house.idle();
  }

  // ---- returning -------------------------------------------------------------------------

  #settleLease(slot: Slot<T>, id: number, destroy: boolean, reason: unknown): Promise<void> {
    if (slot.uses !== id || slot.state !== BORROWED) return RESOLVED;
    this.#house.returned(slot);
    let done = RESOLVED;
    if (
      destroy ||
      this.#closed ||
      slot.uses >= this.#o.maxUses ||
      (slot.expiresAt !== Number.POSITIVE_INFINITY && performance.now() >= slot.expiresAt)
    ) {
      done = this.#maker.destroy(slot, destroy ? reason : 'retired');
    } else if (this.#o.validateOnReturn) {
      this.#maker.validate(slot, false);
    } else if (this.#o.validateOnBorrow || !this.#handToNext(slot)) {
      // (without validateOnBorrow, straight to the next waiter: it was first in line)
      this.#pushIdle(slot);
      if (this.#waiters.size > 0) this.#dispatch();
    }
    this.#checkOutstanding();
    return done;
  }

  // ---- dispatch --------------------------------------------------------------------------

  #dispatch(): void {
    if (this.#dispatching) {
      this.#redispatch = true;
      return;
    }
    this.#dispatching = true;
    try {
      do {
        this.#redispatch = false;
        this.#dispatchOnce();
      } while (this.#redispatch);
    } finally {
      this.#dispatching = false;
    }
  }

  #dispatchOnce(): void {
    if (this.#closed) return;
    const waiters = this.#waiters;
    const slots = this.#slots;
    // Nothing idle to hand out and no room to create: the common case of a busy pool.
    if (slots.idle === 0 && slots.live >= this.max) return;
    if (this.#o.validateOnBorrow) {
      while (waiters.size > slots.validating) {
        const slot = this.#takeIdle();
        if (slot === undefined) break;
        // A resource never lent is fresh from create: checking it again could only turn a
        // validate that always fails into a create-validate-destroy loop.
        if (slot.uses > 0) this.#maker.validate(slot, true);
        else if (!this.#handToNext(slot)) {
          this.#pushIdle(slot);
          break;
        }
      }
    } else {
      while (waiters.size > 0) {
        const slot = this.#takeIdle();
        if (slot === undefined) break;
        if (!this.#handToNext(slot)) {
          this.#pushIdle(slot);
          break;
        }
      }
    }
    const forWaiters = waiters.size - slots.validating - slots.creating - slots.idle;
    const forMin = this.min - slots.live;
    let wanted = Math.max(forWaiters, forMin);
    if (wanted <= 0 || slots.live >= this.max) return;
    const maker = this.#maker;
    while (wanted > 0 && maker.canCreate()) {
      maker.create();
      wanted--;
    }
  }

  // ---- making and unmaking ---------------------------------------------------------------

  #created(): void {
    this.#house.idle();
    if (this.#readyWaiters.length > 0 && this.#slots.existing >= this.min) {
      const waiting = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const w of waiting) w.resolve();
    }
    this.#dispatch();
  }

  #createFailed(error: unknown): void {
    if (this.#readyWaiters.length > 0) {
      const waiting = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const w of waiting) w.reject(error);
    }
  }

  #validated(slot: Slot<T>, valid: boolean, forBorrow: boolean): void {
    if (!valid) {
      this.#slots.totals.validationFailures++;
      void this.#maker.destroy(slot, 'invalid');
    } else if (this.#closed) {
      void this.#maker.destroy(slot, 'closed');
    } else if (!forBorrow || !this.#handToNext(slot)) {
      this.#pushIdle(slot);
    }
    this.#checkOutstanding();
    this.#dispatch();
  }

  // ---- closing ---------------------------------------------------------------------------

  #checkOutstanding(): void {
    if (this.#onOutstandingZero !== undefined && this.#slots.borrowed + this.#slots.validating === 0) {
      this.#onOutstandingZero();
    }
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    const closed = createError('ERR_POOL_CLOSED', { pool: this.name });
    this.#waiters.rejectAll(closed);
    const ready = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of ready) w.reject(closed);
    this.#house.stop();
    this.#maker.stop(closed);
    void this.clear();
    const slots = this.#slots;
    if (slots.borrowed + slots.validating > 0 && timeoutMs > 0) {
      // Ref'd: the caller awaits close(); cleared the moment the leases are back.
      await new Promise<void>((resolve) => {
        const grace = new Within(timeoutMs, () => finish(), true);
        const finish = (): void => {
          grace.finish();
          this.#onOutstandingZero = undefined;
          resolve();
        };
        this.#onOutstandingZero = finish;
      });
    }
    // Whatever is still out is taken back and destroyed.
    for (const slot of [...slots.all]) {
      if (slot.state === BORROWED) {
        this.#house.returned(slot);
        void this.#maker.destroy(slot, 'closed');
      } else if (slot.state === VALIDATING) {
        this.#maker.abandonValidate(slot);
        void this.#maker.destroy(slot, 'closed');
      }
    }
    await this.#maker.destroysSettled();
    this.#registration.unregister();
    publish(channels.close, () => ({ pool: this.name, stats: this.stats() }));
  }
}

/**
 * Makes a bounded pool of resources. `max` is required; every other option has a safe default.
 *
 * @example
 * ```ts
 * const pool = createPool(
 *   { create: () => connect(url), destroy: (c) => c.close(), validate: (c) => c.isAlive() },
 *   { max: 10, acquireTimeoutMs: 5000, leakDetectionMs: 60_000 },
 * );
 * await using lease = await pool.acquire();
 * await lease.resource.query('select 1');
 * ```
 */
export function createPool<T>(factory: PoolFactory<T>, options: PoolOptions): Pool<T> {
  return new Pool(factory, options);
}
