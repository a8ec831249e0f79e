/**
 * A drop-in for generic-pool 3's `createPool(factory, opts)`, built on the leakproof pool:
 * the same methods, getters, events and option names, without generic-pool's hangs (a
 * failing `create` no longer spins in a hot loop with acquires pending forever, `ready()`
 * rejects instead of polling forever, `destroy` and every wait are bounded).
 *
 * @example
 * ```ts
 * // before: import { createPool } from 'generic-pool';
 * import { createPool } from '@leakproof/pool/generic-pool';
 * const pool = createPool({ create: () => connect(), destroy: (c) => c.end() }, { max: 10 });
 * const client = await pool.acquire();
 * try { await client.query('select 1'); } finally { await pool.release(client); }
 * ```
 *
 * @packageDocumentation
 */
import { EventEmitter } from 'node:events';
import {
  LeakproofError,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateInteger,
  validateObject,
  validatePositiveInteger,
} from '@leakproof/core';
import type { Lease } from './lease.js';
import { type PoolOptions, resolveOptions } from './options.js';
import { Pool as CorePool } from './pool.js';

/** generic-pool's factory: `create` and `destroy` required, `validate` optional (resolving `false` means invalid). */
export interface Factory<T> {
  create(): T | PromiseLike<T>;
  destroy(client: T): unknown;
  validate?(client: T): boolean | PromiseLike<boolean>;
}

/**
 * generic-pool's options, same names and meanings. Where generic-pool had no bound, this
 * facade has a safe one: see each option.
 */
export interface Options {
  /** @default 1 */
  max?: number;
  /** Must not exceed `max` (generic-pool silently clamped it; this throws). @default 0 */
  min?: number;
  /** Queue bound; beyond it `acquire` rejects. generic-pool had none. @default 1000 */
  maxWaitingClients?: number;
  /** Validate (with `factory.validate`) before lending. @default false */
  testOnBorrow?: boolean;
  /** Validate when a resource is released (generic-pool accepted this but never did it). @default false */
  testOnReturn?: boolean;
  /** An acquire rejects with a `TimeoutError` after this long. generic-pool waited forever. @default 30000 */
  acquireTimeoutMillis?: number;
  /** Bound on `factory.destroy`; a `factoryDestroyError` is emitted past it. @default 5000 */
  destroyTimeoutMillis?: number;
  /** Lend the longest-idle resource first (`true`) or the most recently returned (`false`). @default true */
  fifo?: boolean;
  /** Priorities from 0 (first) to `priorityRange - 1`. @default 1 */
  priorityRange?: number;
  /** Create `min` resources at once; otherwise on `start()` or the first `acquire()`. @default true */
  autostart?: boolean;
  /** Idle eviction runs only when this is above 0 (as in generic-pool). @default 0 */
  evictionRunIntervalMillis?: number;
  /** Accepted for compatibility; every idle resource is checked. @default 3 */
  numTestsPerEvictionRun?: number;
  /** Idle time after which a resource beyond `min` is evicted (`-1`: off). @default -1 */
  softIdleTimeoutMillis?: number;
  /** Idle time after which a resource is evicted (`min` is kept). @default 30000 */
  idleTimeoutMillis?: number;
  /** Accepted for compatibility and ignored: native promises are used. */
  Promise?: unknown;
}

function draining(): LeakproofError {
  return new LeakproofError('ERR_POOL_CLOSED', 'pool is draining and cannot accept work');
}

function notInPool(): Error {
  return new Error('Resource not currently part of this pool');
}

/** Maps generic-pool options onto the leakproof pool's, validating each. */
function toPoolOptions(opts: Options, hasValidate: boolean): PoolOptions {
  const o = opts as Record<string, unknown>;
  const max = o.max === undefined ? 1 : validatePositiveInteger(o.max, 'opts.max');
  const min = o.min === undefined ? 0 : validateInteger(o.min, 'opts.min', { min: 0, max });
  const ms = (name: string, fallback: number): number =>
    o[name] === undefined ? fallback : validateDuration(o[name], `opts.${name}`, { allowInfinity: true });
  const flag = (name: string, fallback: boolean): boolean =>
    o[name] === undefined ? fallback : validateBoolean(o[name], `opts.${name}`);
  const evictionRun = ms('evictionRunIntervalMillis', 0);
  const idle = ms('idleTimeoutMillis', 30_000);
  let softIdle = -1;
  if (o.softIdleTimeoutMillis !== undefined && o.softIdleTimeoutMillis !== -1) {
    softIdle = validateDuration(o.softIdleTimeoutMillis, 'opts.softIdleTimeoutMillis', {
      allowInfinity: true,
    });
  }
  if (o.numTestsPerEvictionRun !== undefined) {
    validatePositiveInteger(o.numTestsPerEvictionRun, 'opts.numTestsPerEvictionRun');
  }
  const idleTimeoutMs =
    evictionRun === 0 ? Number.POSITIVE_INFINITY : softIdle > 0 ? Math.min(softIdle, idle) : idle;
  return {
    max,
    min,
    maxWaiting:
      o.maxWaitingClients === undefined
        ? 1000
        : validateInteger(o.maxWaitingClients, 'opts.maxWaitingClients', { min: 0, max: 2 ** 24 }),
    acquireTimeoutMs: ms('acquireTimeoutMillis', 30_000),
    destroyTimeoutMs: ms('destroyTimeoutMillis', 5_000),
    idleTimeoutMs,
    validateOnBorrow: flag('testOnBorrow', false) && hasValidate,
    validateOnReturn: flag('testOnReturn', false) && hasValidate,
    order: flag('fifo', true) ? 'fifo' : 'lifo',
    priorityRange:
      o.priorityRange === undefined
        ? 1
        : validatePositiveInteger(o.priorityRange, 'opts.priorityRange', 1000),
  };
}

/**
 * generic-pool's `Pool`: `acquire` resolves the resource itself, which goes back with
 * `release(resource)` or `destroy(resource)`.
 */
export class Pool<T> extends EventEmitter {
  readonly #factory: Factory<T>;
  readonly #options: PoolOptions;
  readonly #autostart: boolean;
  #core: CorePool<T> | undefined = undefined;
  readonly #leases = new Map<T, Lease<T>>();
  #draining = false;
  #acquiring = 0;
  #drainWaiters: Array<() => void> = [];

  /** Use {@link createPool}. */
  constructor(factory: Factory<T>, opts: Options = {}) {
    super();
    const f = validateObject<Record<string, unknown>>(factory, 'factory');
    validateFunction(f.create, 'factory.create');
    validateFunction(f.destroy, 'factory.destroy');
    if (f.validate !== undefined) validateFunction(f.validate, 'factory.validate');
    const o = validateObject<Options>(opts, 'opts');
    this.#factory = factory;
    this.#options = toPoolOptions(o, factory.validate !== undefined);
    // Validate everything now, even when the real pool starts later.
    resolveOptions(this.#options, factory.validate !== undefined);
    this.#autostart = o.autostart === undefined ? true : validateBoolean(o.autostart, 'opts.autostart');
    if (this.#autostart) this.start();
  }

  /** Starts the pool (creating `min` resources) when `autostart` was `false`. Idempotent. */
  start(): void {
    if (this.#core !== undefined || this.#draining) return;
    const factory = this.#factory;
    const validate = factory.validate;
    this.#core = new CorePool<T>(
      {
        create: () => factory.create(),
        destroy: (resource) => factory.destroy(resource),
        ...(validate === undefined
          ? {}
          : {
              validate: (resource: T) =>
                Promise.resolve(validate.call(factory, resource)).then((valid) => valid !== false),
            }),
      },
      this.#options,
      {
        onCreateError: (error) => this.emit('factoryCreateError', error),
        onDestroyError: (error) => this.emit('factoryDestroyError', error),
      },
    );
  }

  #started(): CorePool<T> {
    if (this.#core === undefined) this.start();
    return this.#core!;
  }

  /**
   * Borrows a resource. `priority` 0 is served first; out-of-range priorities are treated
   * as the lowest, as in generic-pool. Rejects when draining, when the queue is full, or
   * with a `TimeoutError` after `acquireTimeoutMillis`.
   */
  acquire(priority?: number): Promise<T> {
    if (this.#draining) return Promise.reject(draining());
    const core = this.#started();
    const range = this.#options.priorityRange ?? 1;
    let p = typeof priority === 'number' && Number.isFinite(priority) ? Math.trunc(priority) : 0;
    if (p < 0 || p >= range) p = range - 1;
    this.#acquiring++;
    return core.acquire(p === 0 ? undefined : { priority: p }).then(this.#onAcquired, this.#onAcquireFailed);
  }

  // Bound once, not per call: acquire is the hot path.
  readonly #onAcquired = (lease: Lease<T>): T => {
    this.#acquiring--;
    const resource = lease.resource;
    this.#leases.set(resource, lease);
    return resource;
  };

  readonly #onAcquireFailed = (error: unknown): never => {
    this.#acquiring--;
    this.#checkDrained();
    throw error;
  };

  /** Returns a borrowed resource. Rejects when `resource` is not on loan from this pool. */
  release(resource: T): Promise<void> {
    const lease = this.#leases.get(resource);
    if (lease === undefined) return Promise.reject(notInPool());
    this.#leases.delete(resource);
    lease.release();
    this.#checkDrained();
    return Promise.resolve();
  }

  /** Destroys a borrowed resource instead of returning it. Rejects when it is not on loan from this pool. */
  destroy(resource: T): Promise<void> {
    const lease = this.#leases.get(resource);
    if (lease === undefined) return Promise.reject(notInPool());
    this.#leases.delete(resource);
    void lease.destroy();
    this.#checkDrained();
    return Promise.resolve();
  }

  /**
   * Acquires, runs `fn(resource)` (sync or async), releases on success and destroys on
   * failure, settling like `fn`.
   */
  use<U>(fn: (resource: T) => U | PromiseLike<U>, priority?: number): Promise<U> {
    return this.acquire(priority).then((resource) => {
      let result: U | PromiseLike<U>;
      try {
        result = fn(resource);
      } catch (error) {
        void this.destroy(resource);
        throw error;
      }
      return Promise.resolve(result).then(
        (value) => {
          void this.release(resource);
          return value;
        },
        (error: unknown) => {
          void this.destroy(resource);
          throw error;
        },
      );
    });
  }

  /** Whether `resource` is on loan from this pool. */
  isBorrowedResource(resource: T): boolean {
    return this.#leases.has(resource);
  }

  /**
   * Stops new acquires; resolves once every queued acquire has settled and every borrowed
   * resource is back. Follow with {@link Pool.clear} to destroy the resources.
   */
  drain(): Promise<void> {
    this.#draining = true;
    return new Promise<void>((resolve) => {
      this.#drainWaiters.push(resolve);
      this.#checkDrained();
    });
  }

  /**
   * Destroys the idle resources. After {@link Pool.drain} it closes the pool for good: no
   * timer, resource or pending create is left.
   */
  clear(): Promise<void> {
    const core = this.#core;
    if (core === undefined) return Promise.resolve();
    if (this.#draining && this.#acquiring === 0 && this.#leases.size === 0) return core.close();
    return core.clear();
  }

  /** Resolves when `min` resources exist; rejects with the create error if creating fails. */
  ready(): Promise<void> {
    return this.#started().ready();
  }

  #checkDrained(): void {
    if (this.#drainWaiters.length === 0 || this.#acquiring > 0 || this.#leases.size > 0) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resources alive or being created or destroyed. */
  get size(): number {
    return this.#core?.stats().size ?? 0;
  }

  /** Idle resources. */
  get available(): number {
    return this.#core?.stats().available ?? 0;
  }

  /** Resources on loan. */
  get borrowed(): number {
    return this.#leases.size;
  }

  /** Acquires waiting. */
  get pending(): number {
    return this.#core?.stats().pending ?? 0;
  }

  /** The most resources alive at once. */
  get max(): number {
    return this.#options.max;
  }

  /** Resources kept even when idle. */
  get min(): number {
    return this.#options.min ?? 0;
  }

  /** How many more resources could be created now. */
  get spareResourceCapacity(): number {
    return this.max - this.size;
  }
}

/** generic-pool's `createPool(factory, opts)`. */
export function createPool<T>(factory: Factory<T>, opts?: Options): Pool<T> {
  return new Pool(factory, opts);
}

export default { createPool, Pool };
