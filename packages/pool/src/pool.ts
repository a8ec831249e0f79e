import {
  abortError,
  captureStack,
  diagnosticsChannel,
  emitLeakproofWarning,
  isStackCaptureEnabled,
  publish,
  type Registration,
  registerPrimitive,
  unrefTimeout,
  validateAbortSignal,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateInteger,
  validateObject,
  validateOptions,
} from '@leakproof/core';
import { acquireTimeoutError, factoryTimeoutError, poolBusyError, poolClosedError } from './errors.js';
import { Lease, type SettleLease } from './lease.js';
import {
  type PoolFactory,
  type PoolOptions,
  type ResolvedOptions,
  resolveOptions,
  validateFactory,
} from './options.js';
import { BORROWED, DESTROYING, IDLE, Slot, VALIDATING } from './slot.js';
import { DeadlineList, type Waiter, WaiterQueue } from './waiter-queue.js';

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

/** @internal What the generic-pool facade listens to. */
export interface PoolHooks {
  onCreateError?(error: unknown): void;
  onDestroyError?(error: unknown): void;
}

interface CreateOp {
  readonly controller: AbortController;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

interface Deferred {
  resolve(): void;
  reject(error: unknown): void;
}

const noop = (): void => {};
const RESOLVED = Promise.resolve();

const channels = {
  create: diagnosticsChannel('pool', 'create'),
  createError: diagnosticsChannel('pool', 'create-error'),
  destroy: diagnosticsChannel('pool', 'destroy'),
  destroyError: diagnosticsChannel('pool', 'destroy-error'),
  acquireTimeout: diagnosticsChannel('pool', 'acquire-timeout'),
  leak: diagnosticsChannel('pool', 'leak'),
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

  readonly #factory: PoolFactory<T>;
  readonly #o: ResolvedOptions;
  readonly #hooks: PoolHooks;
  readonly #registration: Registration;
  readonly #leases: FinalizationRegistry<Slot<T>>;
  readonly #settle: SettleLease<T>;
  readonly #idle: Slot<T>[] = [];
  readonly #all = new Set<Slot<T>>();
  readonly #waiters: WaiterQueue<T>;
  readonly #deadlines = new DeadlineList<T>();
  #deadlineTimer: NodeJS.Timeout | undefined = undefined;
  readonly #creates = new Set<CreateOp>();
  readonly #destroys = new Set<Promise<void>>();
  #readyWaiters: Deferred[] = [];
  #borrowed = 0;
  #validating = 0;
  #creating = 0;
  #destroying = 0;
  #created = 0;
  #destroyed = 0;
  #acquired = 0;
  #acquireTimeouts = 0;
  #createErrors = 0;
  #destroyErrors = 0;
  #validationFailures = 0;
  #leaksDetected = 0;
  #failures = 0;
  #lastCreateError: unknown = undefined;
  #backoffTimer: NodeJS.Timeout | undefined = undefined;
  #houseTimer: NodeJS.Timeout | undefined = undefined;
  #dispatching = false;
  #redispatch = false;
  #closed = false;
  #closing: Promise<void> | undefined = undefined;
  #onOutstandingZero: (() => void) | undefined = undefined;
  readonly #captureForLeaks: boolean;

  /** @internal Use {@link createPool}. */
  constructor(factory: PoolFactory<T>, options: PoolOptions, hooks: PoolHooks = {}) {
    this.#factory = validateFactory<T>(factory);
    this.#o = resolveOptions(options, this.#factory.validate !== undefined);
    this.#hooks = hooks;
    this.max = this.#o.max;
    this.min = this.#o.min;
    this.#waiters = new WaiterQueue<T>(this.#o.priorityRange);
    this.#captureForLeaks = this.#o.leakDetectionMs !== Number.POSITIVE_INFINITY;
    this.#settle = (slot, id, destroy, reason) => this.#settleLease(slot, id, destroy, reason);
    // The held value is the slot, never the lease: the lease must stay collectable.
    this.#leases = new FinalizationRegistry<Slot<T>>((slot) => this.#leaseCollected(slot));
    this.#registration = registerPrimitive(this, {
      kind: 'pool',
      name: this.#o.name,
    });
    this.name = this.#registration.name;
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
    return this.#acquire(options, 2);
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
    const lease = await this.#acquire(options, 2);
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
    if (this.#closed) return Promise.reject(poolClosedError(this.name));
    if (this.#existing() >= this.min) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      this.#dispatch();
    });
  }

  /** Destroys every idle resource now (they are recreated up to `min`); resolves when they are gone. */
  clear(): Promise<void> {
    const idle = this.#idle.splice(0);
    const done = idle.map((slot) => this.#destroySlot(slot, 'clear'));
    return Promise.all(done).then(noop);
  }

  /** The pool's figures (see {@link PoolStats}). */
  stats(): PoolStats {
    const available = this.#idle.length;
    return {
      size: available + this.#borrowed + this.#validating + this.#creating + this.#destroying,
      available,
      borrowed: this.#borrowed,
      validating: this.#validating,
      pending: this.#waiters.size,
      creating: this.#creating,
      destroying: this.#destroying,
      max: this.max,
      min: this.min,
      created: this.#created,
      destroyed: this.#destroyed,
      acquired: this.#acquired,
      acquireTimeouts: this.#acquireTimeouts,
      createErrors: this.#createErrors,
      destroyErrors: this.#destroyErrors,
      validationFailures: this.#validationFailures,
      leaksDetected: this.#leaksDetected,
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
    const o = validateOptions<CloseOptions>(options);
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

  #acquire(options: AcquireOptions | undefined, skip: number): Promise<Lease<T>> {
    let timeoutMs = this.#o.acquireTimeoutMs;
    let priority = 0;
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      try {
        validateObject(options, 'options');
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
    if (this.#closed) return Promise.reject(poolClosedError(this.name));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const stack = this.#captureForLeaks
      ? captureStack(skip, true)
      : isStackCaptureEnabled()
        ? captureStack(skip)
        : undefined;
    // Fast path: nobody queued ahead and an idle resource needs no validation.
    if (this.#waiters.size === 0 && !this.#o.validateOnBorrow) {
      const slot = this.#takeIdle();
      if (slot !== undefined) return Promise.resolve(this.#lend(slot, stack));
    }
    if (this.#waiters.size >= this.#o.maxWaiting && this.#idle.length === 0 && this.#live() >= this.max) {
      return Promise.reject(poolBusyError(this.name, this.#waiters.size));
    }
    return new Promise<Lease<T>>((resolve, reject) => {
      const waiter: Waiter<T> = {
        resolve,
        reject,
        priority,
        stack,
        timer: undefined,
        deadline: 0,
        dprev: undefined,
        dnext: undefined,
        onDeadlines: false,
        signal: undefined,
        onAbort: undefined,
        prev: undefined,
        next: undefined,
        queued: false,
      };
      if (timeoutMs === this.#o.acquireTimeoutMs) {
        if (timeoutMs !== Number.POSITIVE_INFINITY) {
          waiter.deadline = performance.now() + timeoutMs;
          this.#deadlines.push(waiter);
          if (this.#deadlineTimer === undefined) this.#armDeadlines(timeoutMs);
        }
      } else if (timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.timer = unrefTimeout(() => {
          waiter.timer = undefined;
          this.#waiterTimedOut(waiter, timeoutMs);
        }, timeoutMs);
      }
      if (signal !== undefined) {
        waiter.signal = signal;
        waiter.onAbort = () => this.#waiterAborted(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#waiters.push(waiter);
      this.#dispatch();
    });
  }

  #armDeadlines(ms: number): void {
    this.#deadlineTimer = unrefTimeout(() => this.#deadlinesDue(), ms);
  }

  #deadlinesDue(): void {
    this.#deadlineTimer = undefined;
    const now = performance.now();
    let head = this.#deadlines.head;
    while (head !== undefined && head.deadline <= now) {
      this.#waiterTimedOut(head, this.#o.acquireTimeoutMs);
      head = this.#deadlines.head;
    }
    if (head !== undefined) this.#armDeadlines(Math.max(1, head.deadline - now));
  }

  #waiterTimedOut(waiter: Waiter<T>, timeoutMs: number): void {
    if (!waiter.queued) {
      this.#deadlines.remove(waiter);
      return;
    }
    this.#waiters.remove(waiter);
    this.#unhook(waiter);
    this.#acquireTimeouts++;
    const cause = this.#failures > 0 ? this.#lastCreateError : undefined;
    publish(channels.acquireTimeout, () => ({ pool: this.name, timeoutMs, cause }));
    waiter.reject(acquireTimeoutError(this.name, timeoutMs, cause));
  }

  #waiterAborted(waiter: Waiter<T>): void {
    if (!waiter.queued) return;
    this.#waiters.remove(waiter);
    const signal = waiter.signal!;
    this.#unhook(waiter);
    waiter.reject(abortError(signal));
  }

  /** Clears a waiter's timer (or deadline) and abort listener. */
  #unhook(waiter: Waiter<T>): void {
    if (waiter.onDeadlines) {
      this.#deadlines.remove(waiter);
      // The shared timer goes when nobody is left on it; otherwise it re-arms when it fires.
      if (this.#deadlines.head === undefined && this.#deadlineTimer !== undefined) {
        clearTimeout(this.#deadlineTimer);
        this.#deadlineTimer = undefined;
      }
    } else if (waiter.timer !== undefined) {
      clearTimeout(waiter.timer);
      waiter.timer = undefined;
    }
    if (waiter.onAbort !== undefined) {
      waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.onAbort = undefined;
      waiter.signal = undefined;
    }
  }

  #handTo(waiter: Waiter<T>, slot: Slot<T>): void {
    this.#unhook(waiter);
    waiter.resolve(this.#lend(slot, waiter.stack));
  }

  #lend(slot: Slot<T>, stack: string | undefined): Lease<T> {
    slot.state = BORROWED;
    const id = ++slot.uses;
    this.#borrowed++;
    this.#acquired++;
    const lease = new Lease(this.#settle, slot, id);
    this.#leases.register(lease, slot, slot);
    slot.stack = stack;
    if (this.#captureForLeaks) {
      const ms = this.#o.leakDetectionMs;
      slot.timer = unrefTimeout(() => this.#leaseHeldTooLong(slot, id, ms), ms);
    }
    return lease;
  }

  /** The next usable idle slot, removed from the idle list; retires expired ones on the way. */
  #takeIdle(): Slot<T> | undefined {
    const idle = this.#idle;
    const checkLifetime = this.#o.maxLifetimeMs !== Number.POSITIVE_INFINITY;
    while (idle.length > 0) {
      const slot = (this.#o.lifo ? idle.pop() : idle.shift())!;
      if (checkLifetime && performance.now() >= slot.expiresAt) {
        void this.#destroySlot(slot, 'lifetime');
        continue;
      }
      return slot;
    }
    return undefined;
  }

  // ---- returning -------------------------------------------------------------------------

  #settleLease(slot: Slot<T>, id: number, destroy: boolean, reason: unknown): Promise<void> {
    if (slot.uses !== id || slot.state !== BORROWED) return RESOLVED;
    this.#leases.unregister(slot);
    this.#borrowed--;
    if (slot.timer !== undefined) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    if (slot.leakReported) {
      slot.leakReported = false;
      emitLeakproofWarning(
        `A lease of pool "${this.name}" reported as held too long was released after all`,
        'LEAKPROOF_LEASE_RETURNED',
        slot.stack,
      );
    }
    slot.stack = undefined;
    let done = RESOLVED;
    if (
      destroy ||
      this.#closed ||
      slot.uses >= this.#o.maxUses ||
      (slot.expiresAt !== Number.POSITIVE_INFINITY && performance.now() >= slot.expiresAt)
    ) {
      done = this.#destroySlot(slot, destroy ? reason : 'retired');
    } else if (this.#o.validateOnReturn) {
      this.#validate(slot, false);
    } else if (this.#waiters.size > 0 && !this.#o.validateOnBorrow) {
      // Straight to the next waiter: it was first in line.
      this.#handTo(this.#waiters.shift()!, slot);
    } else {
      this.#pushIdle(slot);
      if (this.#waiters.size > 0) this.#dispatch();
    }
    this.#checkOutstanding();
    return done;
  }

  #pushIdle(slot: Slot<T>): void {
    slot.state = IDLE;
    this.#idle.push(slot);
    if (this.#o.idleTimeoutMs !== Number.POSITIVE_INFINITY) slot.idleSince = performance.now();
    if (this.#houseTimer === undefined) this.#armHousekeeping();
  }

  // ---- leaks -----------------------------------------------------------------------------

  #leaseHeldTooLong(slot: Slot<T>, id: number, ms: number): void {
    slot.timer = undefined;
    if (slot.uses !== id || slot.state !== BORROWED) return;
    slot.leakReported = true;
    this.#leaksDetected++;
    publish(channels.leak, () => ({ pool: this.name, reason: 'held', heldMs: ms, stack: slot.stack }));
    emitLeakproofWarning(
      `A lease of pool "${this.name}" has been held for more than ${ms} ms (leakDetectionMs); it may have leaked`,
      'LEAKPROOF_LEASE_HELD',
      slot.stack === undefined ? undefined : `Acquired at:\n${slot.stack}`,
    );
  }

  #leaseCollected(slot: Slot<T>): void {
    if (slot.state !== BORROWED) return;
    this.#borrowed--;
    this.#leaksDetected++;
    if (slot.timer !== undefined) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    const stack = slot.stack;
    publish(channels.leak, () => ({ pool: this.name, reason: 'collected', stack }));
    emitLeakproofWarning(
      `A lease of pool "${this.name}" was garbage-collected without release(); its resource was destroyed. Use \`await using lease = await pool.acquire()\` or pool.use().`,
      'LEAKPROOF_LEASE_LEAKED',
      stack === undefined
        ? 'Set LEAKPROOF_CAPTURE_STACKS=1 to see where it was acquired.'
        : `Acquired at:\n${stack}`,
    );
    slot.stack = undefined;
    void this.#destroySlot(slot, 'leaked');
    this.#checkOutstanding();
  }

  // ---- making and unmaking ---------------------------------------------------------------

  /** Resources that exist or are on the way; the number bounded by `max`. */
  #live(): number {
    return this.#idle.length + this.#borrowed + this.#validating + this.#creating + this.#destroying;
  }

  /** Resources that exist and are usable. */
  #existing(): number {
    return this.#idle.length + this.#borrowed + this.#validating;
  }

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
    if (this.#o.validateOnBorrow) {
      while (waiters.size > this.#validating) {
        const slot = this.#takeIdle();
        if (slot === undefined) break;
        // A resource never lent is fresh from create: checking it again could only turn a
        // validate that always fails into a create-validate-destroy loop.
        if (slot.uses === 0) this.#handTo(waiters.shift()!, slot);
        else this.#validate(slot, true);
      }
    } else {
      while (waiters.size > 0) {
        const slot = this.#takeIdle();
        if (slot === undefined) break;
        this.#handTo(waiters.shift()!, slot);
      }
    }
    const forWaiters = waiters.size - this.#validating - this.#creating - this.#idle.length;
    const forMin = this.min - this.#live();
    let wanted = Math.max(forWaiters, forMin);
    while (wanted > 0 && this.#canCreate()) {
      this.#startCreate();
      wanted--;
    }
  }

  #canCreate(): boolean {
    return (
      !this.#closed &&
      this.#live() < this.max &&
      this.#backoffTimer === undefined &&
      // While creates fail, one probe at a time.
      (this.#failures === 0 || this.#creating === 0)
    );
  }

  #startCreate(): void {
    this.#creating++;
    const op: CreateOp = { controller: new AbortController(), timer: undefined, settled: false };
    this.#creates.add(op);
    const ms = this.#o.createTimeoutMs;
    if (ms !== Number.POSITIVE_INFINITY) {
      op.timer = unrefTimeout(() => {
        op.timer = undefined;
        const error = factoryTimeoutError(this.name, 'create', ms);
        op.controller.abort(error);
        this.#createFailed(op, error);
      }, ms);
    }
    let result: T | PromiseLike<T>;
    try {
      result = this.#factory.create({ signal: op.controller.signal });
    } catch (error) {
      // A synchronous throw still waits a tick, so a failing create can never recurse.
      queueMicrotask(() => this.#createFailed(op, error));
      return;
    }
    Promise.resolve(result).then(
      (resource) => this.#created_(op, resource),
      (error: unknown) => this.#createFailed(op, error),
    );
  }

  #endCreate(op: CreateOp): boolean {
    if (op.settled) return false;
    op.settled = true;
    this.#creates.delete(op);
    this.#creating--;
    if (op.timer !== undefined) {
      clearTimeout(op.timer);
      op.timer = undefined;
    }
    return true;
  }

  #created_(op: CreateOp, resource: T): void {
    if (!this.#endCreate(op)) {
      // Abandoned (timed out or closed) but it arrived anyway: dispose of it, no timer armed.
      this.#destroyAbandoned(resource);
      return;
    }
    this.#failures = 0;
    // A create that succeeds ends the backoff another one started: the backend is back.
    if (this.#backoffTimer !== undefined) {
      clearTimeout(this.#backoffTimer);
      this.#backoffTimer = undefined;
    }
    this.#created++;
    const slot = new Slot(resource, performance.now(), this.#o.maxLifetimeMs);
    this.#all.add(slot);
    publish(channels.create, () => ({ pool: this.name }));
    this.#pushIdle(slot);
    if (this.#readyWaiters.length > 0 && this.#existing() >= this.min) {
      const waiting = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const w of waiting) w.resolve();
    }
    this.#dispatch();
  }

  #createFailed(op: CreateOp, error: unknown): void {
    if (!this.#endCreate(op)) return;
    this.#createErrors++;
    this.#failures++;
    this.#lastCreateError = error;
    publish(channels.createError, () => ({ pool: this.name, error, failures: this.#failures }));
    this.#hooks.onCreateError?.(error);
    if (this.#readyWaiters.length > 0) {
      const waiting = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const w of waiting) w.reject(error);
    }
    if (this.#closed) return;
    const { minDelayMs, maxDelayMs, factor } = this.#o;
    const base = Math.min(maxDelayMs, minDelayMs * factor ** Math.min(this.#failures - 1, 64));
    // Equal jitter: half fixed, half random, so many pools failing together spread out.
    const delay = base / 2 + Math.random() * (base / 2);
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = unrefTimeout(() => {
      this.#backoffTimer = undefined;
      this.#dispatch();
    }, delay);
  }

  #destroyAbandoned(resource: T): void {
    try {
      Promise.resolve(this.#factory.destroy(resource)).catch((error: unknown) => this.#destroyError(error));
    } catch (error) {
      this.#destroyError(error);
    }
  }

  #destroyError(error: unknown): void {
    this.#destroyErrors++;
    publish(channels.destroyError, () => ({ pool: this.name, error }));
    this.#hooks.onDestroyError?.(error);
  }

  /** Destroys a slot already taken out of the idle list and the borrowed count. Never rejects. */
  #destroySlot(slot: Slot<T>, reason: unknown): Promise<void> {
    slot.state = DESTROYING;
    this.#all.delete(slot);
    this.#destroying++;
    if (slot.timer !== undefined) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    const ms = this.#o.destroyTimeoutMs;
    let finish!: (error?: unknown) => void;
    const done = new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      finish = (error?: unknown) => {
        if (finished) return;
        finished = true;
        if (timer !== undefined) clearTimeout(timer);
        this.#destroying--;
        this.#destroyed++;
        this.#destroys.delete(done);
        publish(channels.destroy, () => ({ pool: this.name, reason, error }));
        if (error !== undefined) this.#destroyError(error);
        resolve();
        this.#dispatch();
      };
      if (ms !== Number.POSITIVE_INFINITY) {
        timer = unrefTimeout(() => finish(factoryTimeoutError(this.name, 'destroy', ms)), ms);
      }
    });
    this.#destroys.add(done);
    try {
      Promise.resolve(this.#factory.destroy(slot.resource)).then(
        () => finish(),
        (error: unknown) => finish(error ?? new Error('factory.destroy() rejected')),
      );
    } catch (error) {
      const e = error ?? new Error('factory.destroy() threw');
      queueMicrotask(() => finish(e));
    }
    return done;
  }

  #validate(slot: Slot<T>, forBorrow: boolean): void {
    slot.state = VALIDATING;
    this.#validating++;
    const ms = this.#o.validateTimeoutMs;
    let finished = false;
    const finish = (valid: boolean): void => {
      if (finished) return;
      finished = true;
      // (if close() took the slot, #destroySlot already cleared its timer)
      if (slot.state === VALIDATING && slot.timer !== undefined) {
        clearTimeout(slot.timer);
        slot.timer = undefined;
      }
      // close() may have taken the slot (and its count) meanwhile.
      if (slot.state === VALIDATING) {
        this.#validating--;
        if (!valid) {
          this.#validationFailures++;
          void this.#destroySlot(slot, 'invalid');
        } else if (this.#closed) {
          void this.#destroySlot(slot, 'closed');
        } else if (forBorrow && this.#waiters.size > 0) {
          this.#handTo(this.#waiters.shift()!, slot);
        } else {
          this.#pushIdle(slot);
        }
      }
      this.#checkOutstanding();
      this.#dispatch();
    };
    if (ms !== Number.POSITIVE_INFINITY) slot.timer = unrefTimeout(() => finish(false), ms);
    let result: boolean | PromiseLike<boolean>;
    try {
      result = this.#factory.validate!(slot.resource);
    } catch {
      queueMicrotask(() => finish(false));
      return;
    }
    Promise.resolve(result).then(
      (valid) => finish(valid === true),
      () => finish(false),
    );
  }

  // ---- idle eviction and lifetime ---------------------------------------------------------

  #armHousekeeping(): void {
    const { idleTimeoutMs, maxLifetimeMs } = this.#o;
    if (this.#closed || this.#idle.length === 0) return;
    if (idleTimeoutMs === Number.POSITIVE_INFINITY && maxLifetimeMs === Number.POSITIVE_INFINITY) return;
    let next = Number.POSITIVE_INFINITY;
    for (const slot of this.#idle) {
      const due = Math.min(slot.idleSince + idleTimeoutMs, slot.expiresAt);
      if (due < next) next = due;
    }
    if (next === Number.POSITIVE_INFINITY) return;
    const delay = Math.max(1, Math.min(next - performance.now() + 1, 2 ** 31 - 1));
    this.#houseTimer = unrefTimeout(() => {
      this.#houseTimer = undefined;
      this.#evict();
      this.#armHousekeeping();
    }, delay);
  }

  #evict(): void {
    const now = performance.now();
    const idleTimeoutMs = this.#o.idleTimeoutMs;
    // Take the whole list out first: #destroySlot must not see these slots counted as idle.
    const idle = this.#idle.splice(0);
    let existing = this.#existing() + idle.length;
    const keep: Slot<T>[] = [];
    // Oldest-idle first (index 0 in both orders), so the survivors kept for `min` are the freshest.
    for (const slot of idle) {
      if (now >= slot.expiresAt) {
        existing--;
        void this.#destroySlot(slot, 'lifetime');
      } else if (now - slot.idleSince >= idleTimeoutMs) {
        if (existing > this.min) {
          existing--;
          void this.#destroySlot(slot, 'idle');
        } else {
          // Kept for `min`: look again one idle timeout from now, not in a 1 ms loop.
          slot.idleSince = now;
          keep.push(slot);
        }
      } else {
        keep.push(slot);
      }
    }
    for (const slot of keep) this.#idle.push(slot);
    this.#dispatch();
  }

  // ---- closing ---------------------------------------------------------------------------

  #checkOutstanding(): void {
    if (this.#onOutstandingZero !== undefined && this.#borrowed + this.#validating === 0) {
      this.#onOutstandingZero();
    }
  }

  async #shutdown(timeoutMs: number): Promise<void> {
    const closed = poolClosedError(this.name);
    for (let waiter = this.#waiters.shift(); waiter !== undefined; waiter = this.#waiters.shift()) {
      this.#unhook(waiter);
      waiter.reject(closed);
    }
    const ready = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of ready) w.reject(closed);
    if (this.#deadlineTimer !== undefined) clearTimeout(this.#deadlineTimer);
    this.#deadlineTimer = undefined;
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
    if (this.#houseTimer !== undefined) clearTimeout(this.#houseTimer);
    this.#houseTimer = undefined;
    for (const op of [...this.#creates]) {
      this.#endCreate(op);
      op.controller.abort(closed);
    }
    void this.clear();
    if (this.#borrowed + this.#validating > 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer =
          timeoutMs === Number.POSITIVE_INFINITY ? undefined : unrefTimeout(() => finish(), timeoutMs);
        const finish = (): void => {
          if (timer !== undefined) clearTimeout(timer);
          this.#onOutstandingZero = undefined;
          resolve();
        };
        this.#onOutstandingZero = finish;
      });
    }
    // Whatever is still out is taken back and destroyed.
    for (const slot of [...this.#all]) {
      if (slot.state === BORROWED) {
        this.#leases.unregister(slot);
        this.#borrowed--;
        slot.stack = undefined;
        void this.#destroySlot(slot, 'closed');
      } else if (slot.state === VALIDATING) {
        this.#validating--;
        void this.#destroySlot(slot, 'closed');
      }
    }
    while (this.#destroys.size > 0) await Promise.all([...this.#destroys]);
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
