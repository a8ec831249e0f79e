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
  createError,
  describeValue,
  emitLeakproofWarning,
  invalidArgType,
  LeakproofError,
  MAX_ENTRIES,
  MAX_TIMER_MS,
  onAbort,
  type TimeoutError,
} from '@leakproof/core';
import type { Lease } from './lease.js';
import { MAX_PRIORITY_RANGE, type PoolOptions, resolveOptions } from './options.js';
import { Pool as CorePool } from './pool.js';

/** generic-pool's factory: `create` and `destroy` required, `validate` optional (resolving `false` means invalid). */
export interface Factory<T> {
  create(): T | PromiseLike<T>;
  destroy(client: T): unknown;
  validate?(client: T): boolean | PromiseLike<boolean>;
}

/**
 * generic-pool's options, same names, same parsing and clamping (numeric strings are parsed,
 * `min` above `max` is clamped, `0` or a malformed value means the default). Where
 * generic-pool had no bound, this facade keeps a bounded default: see each option. A value
 * that is parsed, clamped or replaced is used with one process warning naming both values.
 */
export interface Options {
  /** Parsed with `parseInt`; below 1 or malformed: 1. @default 1 */
  max?: number | undefined;
  /** Parsed with `parseInt`; malformed: 0; above `max`: `max`. @default 0 */
  min?: number | undefined;
  /** Queue bound; beyond it `acquire` rejects ('max waitingClients count exceeded'). generic-pool had none. @default 1000 */
  maxWaitingClients?: number | undefined;
  /** Validate (with `factory.validate`) before lending. @default false */
  testOnBorrow?: boolean | undefined;
  /** Validate when a resource is released (generic-pool accepted this but never did it). @default false */
  testOnReturn?: boolean | undefined;
  /** An acquire rejects ('ResourceRequest timed out') after this long; 0 or unset: the bounded default (generic-pool waited forever). @default 30000 */
  acquireTimeoutMillis?: number | undefined;
  /** Bound on `factory.destroy`; a `factoryDestroyError` ('destroy timed out') is emitted past it; 0 or unset: the bounded default. @default 5000 */
  destroyTimeoutMillis?: number | undefined;
  /** Lend the longest-idle resource first (`true`) or the most recently returned (`false`). @default true */
  fifo?: boolean | undefined;
  /** Priorities from 0 (first) to `priorityRange - 1`. @default 1 */
  priorityRange?: number | undefined;
  /** Create `min` resources at once; otherwise on `start()` or the first `acquire()`. @default true */
  autostart?: boolean | undefined;
  /** Idle eviction runs only when this is above 0 (as in generic-pool). @default 0 */
  evictionRunIntervalMillis?: number | undefined;
  /** Accepted for compatibility; every idle resource is checked. @default 3 */
  numTestsPerEvictionRun?: number | undefined;
  /** Idle time after which a resource is evicted while more than `min` exist (`-1`: off). @default -1 */
  softIdleTimeoutMillis?: number | undefined;
  /** Idle time after which a resource is evicted even below `min` (then `min` is refilled). @default 30000 */
  idleTimeoutMillis?: number | undefined;
  /** Accepted for compatibility and ignored: native promises are used. */
  Promise?: unknown;
}

/** What the facade runs with, after generic-pool's coercion (what `toPoolOptions` returns). */
interface Coerced {
  readonly core: PoolOptions;
  readonly autostart: boolean;
}

const WARNING_CODE = 'LEAKPROOF_GENERIC_POOL_OPTION';

function coerced(name: string, given: unknown, used: unknown, why: string): void {
  emitLeakproofWarning(
    `generic-pool option \`opts.${name}\`: got ${describeValue(given)}, using ${String(used)} (${why})`,
    WARNING_CODE,
  );
}

/**
 * generic-pool's `PoolOptions` applied to `opts`, step for step, then mapped onto the core
 * pool's options. Unbounded results are replaced with bounded defaults.
 */
function toPoolOptions(opts: unknown, hasValidate: boolean): Coerced {
  // generic-pool: `opts = opts || {}`; properties of a primitive read as undefined.
  const o = (opts === null || opts === undefined || opts === false ? {} : Object(opts)) as Record<
    string,
    unknown
  >;
  const flag = (name: string, fallback: boolean): boolean => {
    const v = o[name];
    if (typeof v === 'boolean') return v;
    if (v !== undefined) coerced(name, v, fallback, 'not a boolean: the default');
    return fallback;
  };
  // acquireTimeoutMillis, destroyTimeoutMillis: `if (v) parseInt(v, 10)`; otherwise none.
  const timeout = (name: string, fallback: number): number => {
    const v = o[name];
    if (v === undefined) return fallback;
    if (!v) {
      coerced(name, v, fallback, 'generic-pool reads it as no timeout; the facade keeps a bound');
      return fallback;
    }
    const n = Number.parseInt(v as string, 10);
    if (Number.isNaN(n) || n <= 0) {
      coerced(name, v, fallback, 'not a positive number of milliseconds');
      return fallback;
    }
    if (n > MAX_TIMER_MS) {
      coerced(name, v, MAX_TIMER_MS, "the longest delay Node's timers honour");
      return MAX_TIMER_MS;
    }
    if (n !== v) coerced(name, v, n, 'parsed with parseInt');
    return n;
  };

  const fifo = flag('fifo', true);
  // priorityRange: `v || 1`, then the queue's `Math.max(+v | 0, 1)`.
  let priorityRange = Math.max(+((o.priorityRange as number) || 1) | 0, 1);
  if (priorityRange > MAX_PRIORITY_RANGE) priorityRange = MAX_PRIORITY_RANGE;
  if (o.priorityRange !== undefined && priorityRange !== o.priorityRange) {
    coerced('priorityRange', o.priorityRange, priorityRange, `an integer from 1 to ${MAX_PRIORITY_RANGE}`);
  }
  const testOnBorrow = flag('testOnBorrow', false);
  const testOnReturn = flag('testOnReturn', false);
  const autostart = flag('autostart', true);
  const acquireTimeoutMs = timeout('acquireTimeoutMillis', 30_000);
  const destroyTimeoutMs = timeout('destroyTimeoutMillis', 5_000);

  // maxWaitingClients: `if (v !== undefined) parseInt(v, 10)`; NaN: no limit.
  let maxWaiting = 1000;
  if (o.maxWaitingClients !== undefined) {
    const n = Number.parseInt(o.maxWaitingClients as string, 10);
    if (Number.isNaN(n)) {
      coerced(
        'maxWaitingClients',
        o.maxWaitingClients,
        maxWaiting,
        'generic-pool reads it as no limit; the facade keeps a bound',
      );
    } else {
      maxWaiting = Math.min(Math.max(n, 0), MAX_ENTRIES);
      if (maxWaiting !== o.maxWaitingClients) {
        coerced(
          'maxWaitingClients',
          o.maxWaitingClients,
          maxWaiting,
          `parsed with parseInt, from 0 to ${MAX_ENTRIES}`,
        );
      }
    }
  }

  // max, min: `parseInt`, then `max = Math.max(isNaN(max) ? 1 : max, 1)`, `min = Math.min(isNaN(min) ? 0 : min, max)`.
  const parsedMax = Number.parseInt(o.max as string, 10);
  let max = Math.max(Number.isNaN(parsedMax) ? 1 : parsedMax, 1);
  if (max > MAX_ENTRIES) max = MAX_ENTRIES;
  if (o.max !== undefined && max !== o.max)
    coerced('max', o.max, max, `parsed with parseInt, from 1 to ${MAX_ENTRIES}`);
  const parsedMin = Number.parseInt(o.min as string, 10);
  const min = Math.max(Math.min(Number.isNaN(parsedMin) ? 0 : parsedMin, max), 0);
  if (o.min !== undefined && min !== o.min)
    coerced('min', o.min, min, `parsed with parseInt, from 0 to max (${max})`);

  // The eviction settings: `v || default`, compared as generic-pool's evictor compares them.
  const evictionRun = Number(o.evictionRunIntervalMillis || 0);
  const idle = Number(o.idleTimeoutMillis || 30_000);
  const softIdle = Number(o.softIdleTimeoutMillis || -1);
  for (const [name, used] of [
    ['evictionRunIntervalMillis', evictionRun],
    ['idleTimeoutMillis', idle],
    ['softIdleTimeoutMillis', softIdle],
  ] as const) {
    if (o[name] !== undefined && o[name] !== used)
      coerced(name, o[name], used, "generic-pool's `||` default");
  }
  let idleTimeoutMs = Number.POSITIVE_INFINITY;
  let hardIdleTimeoutMs = Number.POSITIVE_INFINITY;
  if (evictionRun > 0) {
    // generic-pool evicts on its runs, so never sooner than one run interval.
    if (!Number.isNaN(idle)) hardIdleTimeoutMs = Math.min(Math.max(idle, evictionRun, 1), MAX_TIMER_MS);
    if (softIdle > 0) idleTimeoutMs = Math.min(Math.max(softIdle, evictionRun), MAX_TIMER_MS);
  }
  return {
    autostart,
    core: {
      max,
      min,
      maxWaiting,
      acquireTimeoutMs,
      destroyTimeoutMs,
      idleTimeoutMs,
      hardIdleTimeoutMs,
      validateOnBorrow: testOnBorrow && hasValidate,
      validateOnReturn: testOnReturn && hasValidate,
      order: fifo ? 'fifo' : 'lifo',
      priorityRange,
    },
  };
}

// generic-pool's messages, with leakproof's codes (and `timeoutMs`, `cause`) on the errors.

function draining(): LeakproofError {
  return createError('ERR_POOL_CLOSED', { pool: '', genericPool: true });
}

function notInPool(): LeakproofError {
  return createError('ERR_POOL_NOT_BORROWED');
}

/** The core pool's rejection in generic-pool's words. */
function inGenericPoolWords(error: unknown): unknown {
  if (!(error instanceof LeakproofError)) return error;
  const options = error.cause === undefined ? undefined : { cause: error.cause };
  switch (error.code) {
    case 'ERR_POOL_TIMEOUT': {
      const timeoutMs = (error as TimeoutError).timeoutMs;
      return createError(
        'ERR_POOL_TIMEOUT',
        { pool: '', timeoutMs, failing: false, genericPool: true },
        options,
      );
    }
    case 'ERR_POOL_DESTROY_TIMEOUT': {
      const timeoutMs = (error as TimeoutError).timeoutMs;
      return createError('ERR_POOL_DESTROY_TIMEOUT', { pool: '', timeoutMs, genericPool: true }, options);
    }
    case 'ERR_POOL_BUSY':
      return createError('ERR_POOL_BUSY', { pool: '', waiting: 0, genericPool: true });
    case 'ERR_POOL_CLOSED':
      return draining();
    default:
      return error;
  }
}

function factoryError(name: 'create' | 'destroy' | 'validate', value: unknown): TypeError {
  // generic-pool's message, Node's code.
  const error = invalidArgType(`factory.${name}`, 'a function', value);
  error.message = `factory.${name} must be a function`;
  return error;
}

/**
 * generic-pool's `Pool`: `acquire` resolves the resource itself, which goes back with
 * `release(resource)` or `destroy(resource)`.
 */
export class Pool<T> extends EventEmitter {
  readonly #factory: Factory<T>;
  readonly #options: PoolOptions;
  #core: CorePool<T> | undefined = undefined;
  readonly #leases = new Map<T, Lease<T>>();
  /** Creates in flight (settled when the create settles or the pool gives up on it). */
  readonly #creates = new Set<Promise<void>>();
  #draining = false;
  #acquiring = 0;
  #drainWaiters: Array<() => void> = [];

  /** Use {@link createPool}. */
  constructor(factory: Factory<T>, opts?: Options) {
    super();
    const f = (factory ?? {}) as unknown as Record<string, unknown>;
    if (typeof f.create !== 'function') throw factoryError('create', f.create);
    if (typeof f.destroy !== 'function') throw factoryError('destroy', f.destroy);
    if (f.validate !== undefined && typeof f.validate !== 'function')
      throw factoryError('validate', f.validate);
    this.#factory = factory;
    const { core, autostart } = toPoolOptions(opts, factory.validate !== undefined);
    this.#options = core;
    // Check the result now, even when the real pool starts later.
    resolveOptions(core, factory.validate !== undefined);
    if (autostart) this.start();
  }

  /** Starts the pool (creating `min` resources) when `autostart` was `false`. Idempotent. */
  start(): void {
    if (this.#core !== undefined || this.#draining) return;
    const factory = this.#factory;
    const validate = factory.validate;
    const creates = this.#creates;
    this.#core = new CorePool<T>(
      {
        create: ({ signal }) => {
          const result = factory.create();
          // Tracked so that clear() can wait for it, as generic-pool's does.
          const settled = new Promise<void>((resolve) => {
            const abort = onAbort(signal, resolve);
            Promise.resolve(result).then(
              () => {
                abort.dispose();
                resolve();
              },
              () => {
                abort.dispose();
                resolve();
              },
            );
          });
          creates.add(settled);
          void settled.then(() => creates.delete(settled));
          return result;
        },
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
        onDestroyError: (error) => this.emit('factoryDestroyError', inGenericPoolWords(error)),
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
    // generic-pool's priority queue: `(p && +p | 0) || 0`, out of range means last.
    let p = ((priority && +priority | 0) || 0) as number;
    if (p !== 0 && (p < 0 || p >= range)) p = range - 1;
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
    throw inGenericPoolWords(error);
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
  async clear(): Promise<void> {
    const core = this.#core;
    if (core === undefined) return;
    // As in generic-pool: creates in flight finish first, so what they make is destroyed too.
    while (this.#creates.size > 0) await Promise.all([...this.#creates]);
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
