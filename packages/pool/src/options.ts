import {
  invalidArgValue,
  MAX_ENTRIES,
  outOfRange,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateInteger,
  validateNumber,
  validateObject,
  validateOneOf,
  validateOptions,
  validatePositiveInteger,
  validateString,
} from '@leakproof/core';

/**
 * What the pool calls to make, check and dispose of resources. Each function may be sync or
 * async, may throw or reject, and may hang: the pool bounds every call with a timeout.
 *
 * @example
 * ```ts
 * const factory: PoolFactory<pg.Client> = {
 *   async create({ signal }) { const c = new pg.Client(url); await c.connect(); return c; },
 *   destroy: (c) => c.end(),
 *   validate: async (c) => (await c.query('select 1')).rowCount === 1,
 * };
 * ```
 */
export interface PoolFactory<T> {
  /**
   * Makes a resource. `signal` aborts when the pool gives up on this call (`createTimeoutMs`
   * or `close()`); a resource that still arrives afterwards is destroyed at once.
   */
  create(context: CreateContext): T | PromiseLike<T>;
  /** Disposes of a resource. Bounded by `destroyTimeoutMs`; errors are reported, never thrown at callers. */
  destroy(resource: T): unknown;
  /**
   * Tells whether a resource is still usable. `false`, a throw or a rejection means it is
   * destroyed and the acquire carries on with another. Bounded by `validateTimeoutMs`.
   */
  validate?(resource: T): boolean | PromiseLike<boolean>;
}

/** What `factory.create` receives. */
export interface CreateContext {
  /** Aborts when the pool abandons this create (timeout or close). */
  readonly signal: AbortSignal;
}

/** Backoff between failed creates: exponential, with jitter, never a hot loop. */
export interface CreateRetryOptions {
  /** Delay after the first failure. @default 100 */
  readonly minDelayMs?: number | undefined;
  /** The longest delay. @default 10000 */
  readonly maxDelayMs?: number | undefined;
  /** Growth per consecutive failure. @default 2 */
  readonly factor?: number | undefined;
}

/** Options of {@link createPool}. Only `max` is required; every other default is safe untuned. */
export interface PoolOptions {
  /** Most resources alive at once, counting ones being created, validated or destroyed. Required: 1 to 2^24. */
  readonly max: number;
  /** Resources kept alive even when idle; created at start and refilled after failures. @default 0 */
  readonly min?: number | undefined;
  /**
   * Most acquires that may wait when no resource is free and none can be created; beyond it
   * `acquire` rejects at once with `ERR_POOL_BUSY`. @default 1000
   */
  readonly maxWaiting?: number | undefined;
  /** How long an acquire waits before rejecting with `ERR_POOL_TIMEOUT` (`Infinity`: no limit). @default 30000 */
  readonly acquireTimeoutMs?: number | undefined;
  /** Bound on one `factory.create` call; a hung create counts as a create error. @default 30000 */
  readonly createTimeoutMs?: number | undefined;
  /** Bound on one `factory.destroy` call; after it the slot is freed. @default 5000 */
  readonly destroyTimeoutMs?: number | undefined;
  /** Bound on one `factory.validate` call; a hung validate counts as invalid. @default 5000 */
  readonly validateTimeoutMs?: number | undefined;
  /**
   * The soft idle timeout: an idle resource beyond `min` is destroyed after this long unused
   * (`0`: as soon as it is idle; `Infinity`: never). Resources kept for `min` stay. @default 30000
   */
  readonly idleTimeoutMs?: number | undefined;
  /**
   * The hard idle timeout: an idle resource is destroyed after this long unused even below
   * `min`, which is then refilled with fresh ones (how stale connections get recycled).
   * From 1 ms. @default Infinity (off)
   */
  readonly hardIdleTimeoutMs?: number | undefined;
  /**
   * A resource is retired after this long (idle ones at once, borrowed ones on release). Each
   * resource's lifetime is shortened by up to 10% at random so they do not all expire together.
   * From 1 ms; a resource whose lifetime ran out while it was being created still serves one
   * lease. @default Infinity
   */
  readonly maxLifetimeMs?: number | undefined;
  /** A resource is destroyed after this many leases. @default Infinity */
  readonly maxUses?: number | undefined;
  /**
   * Validate a resource before lending it again (a resource fresh from `create` is lent
   * without a check). @default true when `factory.validate` exists
   */
  readonly validateOnBorrow?: boolean | undefined;
  /** Validate a resource when it comes back. @default false */
  readonly validateOnReturn?: boolean | undefined;
  /** Which idle resource is lent next: most recently returned (`'lifo'`) or least (`'fifo'`). @default 'lifo' */
  readonly order?: 'fifo' | 'lifo' | undefined;
  /** Backoff after failed creates. */
  readonly createRetry?: CreateRetryOptions | undefined;
  /**
   * A lease held longer than this is reported (a `LEAKPROOF_LEASE_HELD` warning with the stack
   * of its acquire); a later release reports that it came back. @default Infinity (off)
   */
  readonly leakDetectionMs?: number | undefined;
  /** `pool.use(fn)` destroys the resource when `fn` throws or rejects, instead of returning it. @default false */
  readonly destroyOnError?: boolean | undefined;
  /** Acquires may pass `priority` from 0 (served first) to `priorityRange - 1`. @default 1 */
  readonly priorityRange?: number | undefined;
  /** Shown in stats, warnings, errors and the registry. @default `pool#<id>` */
  readonly name?: string | undefined;
}

/** The options after validation, every default filled in. */
export interface ResolvedOptions {
  readonly max: number;
  readonly min: number;
  readonly maxWaiting: number;
  readonly acquireTimeoutMs: number;
  readonly createTimeoutMs: number;
  readonly destroyTimeoutMs: number;
  readonly validateTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly hardIdleTimeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly maxUses: number;
  readonly validateOnBorrow: boolean;
  readonly validateOnReturn: boolean;
  readonly lifo: boolean;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly leakDetectionMs: number;
  readonly destroyOnError: boolean;
  readonly priorityRange: number;
  readonly name: string | undefined;
}

const OPTION_NAMES = [
  'max',
  'min',
  'maxWaiting',
  'acquireTimeoutMs',
  'createTimeoutMs',
  'destroyTimeoutMs',
  'validateTimeoutMs',
  'idleTimeoutMs',
  'hardIdleTimeoutMs',
  'maxLifetimeMs',
  'maxUses',
  'validateOnBorrow',
  'validateOnReturn',
  'order',
  'createRetry',
  'leakDetectionMs',
  'destroyOnError',
  'priorityRange',
  'name',
] as const;
const RETRY_NAMES = ['minDelayMs', 'maxDelayMs', 'factor'] as const;

/** generic-pool's names, for the did-you-mean of an unknown option (beside core's own hints). */
const GENERIC_POOL_HINTS: Readonly<Record<string, string>> = {
  // generic-pool's idleTimeoutMillis evicts below min: the hard one.
  idleTimeoutMillis: 'hardIdleTimeoutMs',
  softIdleTimeoutMillis: 'idleTimeoutMs',
  testOnReturn: 'validateOnReturn',
  evictionRunIntervalMillis: 'it is not needed: each idle resource is evicted when its timeout is due',
  numTestsPerEvictionRun: 'it is not needed: each idle resource is evicted when its timeout is due',
  autostart: 'it is not needed: `min` resources are created at once',
  maxTries: 'failed creates are retried with backoff (`options.createRetry`) until `acquireTimeoutMs`',
  Promise: 'it is not needed: native promises are used',
};

/** The most priority levels an acquire may use. */
export const MAX_PRIORITY_RANGE = 1000;

function duration(value: unknown, name: string, fallback: number, min = 0): number {
  return value === undefined ? fallback : validateDuration(value, name, { allowInfinity: true, min });
}

/** Validates a factory: an object with `create` and `destroy`, and optionally `validate`. */
export function validateFactory<T>(factory: unknown): PoolFactory<T> {
  const f = validateObject<Record<string, unknown>>(factory, 'factory');
  validateFunction(f.create, 'factory.create');
  validateFunction(f.destroy, 'factory.destroy');
  if (f.validate !== undefined) validateFunction(f.validate, 'factory.validate');
  return f as unknown as PoolFactory<T>;
}

/** Validates every option eagerly and fills in the defaults. */
export function resolveOptions(options: unknown, hasValidate: boolean): ResolvedOptions {
  const check = { owner: 'createPool', hints: GENERIC_POOL_HINTS };
  const o = validateObject<Record<string, unknown>>(options, 'options');
  validateOptions(o, 'options', OPTION_NAMES, check);
  if (o.max === undefined) throw invalidArgValue('options.max', 'set (a pool needs a bound)', o.max);
  const max = validatePositiveInteger(o.max, 'options.max');
  const min = o.min === undefined ? 0 : validateInteger(o.min, 'options.min', { min: 0, max });
  const maxWaiting =
    o.maxWaiting === undefined
      ? 1000
      : validateInteger(o.maxWaiting, 'options.maxWaiting', { min: 0, max: MAX_ENTRIES });
  let maxUses = Number.POSITIVE_INFINITY;
  if (o.maxUses !== undefined && o.maxUses !== Number.POSITIVE_INFINITY) {
    maxUses = validateInteger(o.maxUses, 'options.maxUses', { min: 1 });
  }
  const validateOnBorrow =
    o.validateOnBorrow === undefined
      ? hasValidate
      : validateBoolean(o.validateOnBorrow, 'options.validateOnBorrow');
  const validateOnReturn =
    o.validateOnReturn === undefined
      ? false
      : validateBoolean(o.validateOnReturn, 'options.validateOnReturn');
  if ((validateOnBorrow || validateOnReturn) && !hasValidate) {
    throw invalidArgValue(
      validateOnBorrow ? 'options.validateOnBorrow' : 'options.validateOnReturn',
      'false when the factory has no `validate`',
      true,
    );
  }
  const order =
    o.order === undefined ? 'lifo' : validateOneOf(o.order, 'options.order', ['fifo', 'lifo'] as const);
  let minDelayMs = 100;
  let maxDelayMs = 10_000;
  let factor = 2;
  if (o.createRetry !== undefined) {
    const r = validateOptions<Record<string, unknown>>(
      o.createRetry,
      'options.createRetry',
      RETRY_NAMES,
      check,
    );
    if (r.minDelayMs !== undefined)
      minDelayMs = validateDuration(r.minDelayMs, 'options.createRetry.minDelayMs', { min: 1 });
    if (r.maxDelayMs !== undefined)
      maxDelayMs = validateDuration(r.maxDelayMs, 'options.createRetry.maxDelayMs', { min: 1 });
    if (r.factor !== undefined) factor = validateNumber(r.factor, 'options.createRetry.factor', 1, 100);
    if (maxDelayMs < minDelayMs) {
      throw outOfRange(
        'options.createRetry.maxDelayMs',
        `at least \`minDelayMs\` (${minDelayMs})`,
        maxDelayMs,
      );
    }
  }
  const leakDetectionMs = duration(o.leakDetectionMs, 'options.leakDetectionMs', Number.POSITIVE_INFINITY);
  if (leakDetectionMs === 0)
    throw outOfRange('options.leakDetectionMs', 'a number of milliseconds from 1 or Infinity', 0);
  return {
    max,
    min,
    maxWaiting,
    acquireTimeoutMs: duration(o.acquireTimeoutMs, 'options.acquireTimeoutMs', 30_000),
    createTimeoutMs: duration(o.createTimeoutMs, 'options.createTimeoutMs', 30_000),
    destroyTimeoutMs: duration(o.destroyTimeoutMs, 'options.destroyTimeoutMs', 5_000),
    validateTimeoutMs: duration(o.validateTimeoutMs, 'options.validateTimeoutMs', 5_000),
    idleTimeoutMs: duration(o.idleTimeoutMs, 'options.idleTimeoutMs', 30_000),
    hardIdleTimeoutMs: duration(
      o.hardIdleTimeoutMs,
      'options.hardIdleTimeoutMs',
      Number.POSITIVE_INFINITY,
      1,
    ),
    maxLifetimeMs: duration(o.maxLifetimeMs, 'options.maxLifetimeMs', Number.POSITIVE_INFINITY, 1),
    maxUses,
    validateOnBorrow,
    validateOnReturn,
    lifo: order === 'lifo',
    minDelayMs,
    maxDelayMs,
    factor,
    leakDetectionMs,
    destroyOnError:
      o.destroyOnError === undefined ? false : validateBoolean(o.destroyOnError, 'options.destroyOnError'),
    priorityRange:
      o.priorityRange === undefined
        ? 1
        : validatePositiveInteger(o.priorityRange, 'options.priorityRange', MAX_PRIORITY_RANGE),
    name: o.name === undefined ? undefined : validateString(o.name, 'options.name'),
  };
}
