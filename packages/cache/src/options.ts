import {
  invalidArgType,
  invalidArgValue,
  validateDuration,
  validateFunction,
  validateInteger,
  validateOneOf,
  validateOptions,
  validatePositiveInteger,
  validateString,
  warnDeprecatedOption,
} from '@leakproof/core';
import type { PolicyName } from './policy/policy.js';
import { defaultSizeOf, estimateSize } from './size-of.js';
import type { StoreSettings } from './store.js';

/** Why an entry left the cache, as `onEvict` receives it. */
export type EvictReason =
  /** Pushed out by `max` or `maxBytes` to make room. */
  | 'evict'
  /** Its `ttl` ran out. */
  | 'expire'
  /** Removed by `delete()`. */
  | 'delete'
  /** Replaced by `set()` with a different value. */
  | 'set'
  /** Removed by `clear()` or dispose. */
  | 'clear'
  /** Shed by `compact()` (the memory governor under pressure). */
  | 'compact';

/** A time source in milliseconds; `performance` is the default. Tests pass a fake one. */
export interface Clock {
  now(): number;
}

/** Options shared by every bounded structure in this package. */
export interface BoundOptions {
  /**
   * The most entries held: an integer from 1 to 2^24. At least one of `max` and
   * `maxBytes` is required. Nothing is allocated for it up front: memory follows the
   * entries actually held.
   */
  readonly max?: number | undefined;
  /**
   * The most bytes held, as measured by `sizeOf` (an integer from 1 and up). An entry
   * larger than this on its own is refused with `ERR_CACHE_ENTRY_TOO_LARGE`.
   */
  readonly maxBytes?: number | undefined;
  /**
   * Default time to live of each entry, in milliseconds (1 to 2^31-1, or `Infinity`
   * for none). An entry set at `t` is served through `t + ttl` and gone after. Expiry
   * costs no timer per entry: expired entries read as absent and are removed when
   * read, by `size`, by iteration, by `compact`, and by the sweep.
   * @default Infinity
   */
  readonly ttl?: number | undefined;
  /**
   * How often the one unref'd sweep timer removes expired entries nobody reads, in
   * milliseconds, or `false` for no sweep. It starts with the first entry that has a
   * finite `ttl`, holds the cache weakly, and stops on dispose.
   * @default the default `ttl` clamped to 1 000..3 600 000 ms (60 000 when only per-entry ttls are used)
   */
  readonly sweepIntervalMs?: number | false | undefined;
  /** @deprecated Renamed {@link BoundOptions.sweepIntervalMs}; still read, with one warning. */
  readonly sweepInterval?: number | false | undefined;
  /**
   * Which entry leaves when a bound is reached. `'tinylfu'`: W-TinyLFU with an adaptive
   * window (a newcomer must have been seen more often lately than the entry it would
   * replace; the window adapts between recency and frequency). `'lru'`: exactly least
   * recently used, the same evictions as lru-cache.
   * @default 'tinylfu' (the higher hit ratio on the standard traces: see the README)
   */
  readonly policy?: PolicyName | undefined;
  /** The name shown in `stats`, the registry and diagnostics. @default `cache#<id>` (`set#<id>`) */
  readonly name?: string | undefined;
  /** Time source for `ttl` (tests pass a fake clock). @default performance */
  readonly clock?: Clock | undefined;
}

/** Bounds and settings after validation. */
export interface ResolvedBounds<K, V> {
  readonly max: number;
  readonly maxBytes: number;
  readonly sizeOf: ((value: V, key: K) => number) | undefined;
  readonly ttl: number;
  readonly sweepIntervalMs: number | false;
  readonly policy: PolicyName;
  readonly name: string | undefined;
  readonly clock: Clock | undefined;
}

/** The option names of {@link BoundOptions}. */
export const BOUND_KEYS: readonly string[] = [
  'max',
  'maxBytes',
  'ttl',
  'sweepIntervalMs',
  'sweepInterval',
  'policy',
  'name',
  'clock',
];

/**
 * lru-cache's option names, and what to use instead (core's checker already knows `maxSize`,
 * `sizeCalculation`, `dispose`, `disposeAfter` and `ttlAutopurge`).
 */
export const LRU_CACHE_HINTS: Readonly<Record<string, string>> = {
  fetchMethod: 'use `getOrLoad(key, loader)` instead of a fetch method',
  memoMethod: 'use `memoize(fn, options)` instead of a memo method',
  ttlResolution: 'it is not needed: expiry is exact',
  allowStale: 'it is not needed: an expired entry is never served',
  noDeleteOnStaleGet: 'it is not needed: an expired entry is never served',
  updateAgeOnGet: 'it is not needed: a ttl counts from the last set',
  updateAgeOnHas: 'it is not needed: a ttl counts from the last set',
  noUpdateTTL: 'pass `set(key, value, { ttl })` per entry instead',
  maxEntrySize: 'use `maxBytes` (an entry larger than maxBytes is refused)',
  noDisposeOnSet: 'use `onEvict` (its reason is "set" for a replaced value)',
  perf: 'use `clock`',
  noDeleteOnFetchRejection: 'it is not needed: a rejected load never touches the stored entry',
  allowStaleOnFetchRejection: 'it is not needed: an expired entry is never served',
  allowStaleOnFetchAbort: 'it is not needed: an expired entry is never served',
  ignoreFetchAbort:
    "it is not needed: a load runs on while any caller waits; each caller's own signal lets it leave",
  onInsert: 'it is not supported: wrap `set` if you need it',
  backgroundFetchSize: 'it is not needed: a loaded value is sized by `sizeOf` when it is stored',
};

/** Checks an options bag of `owner`: a plain object whose keys are all in `known`. */
export function checkOptions(
  value: unknown,
  known: readonly string[],
  owner: string,
): Record<string, unknown> {
  const options = validateOptions<Record<string, unknown>>(value, 'options', known, {
    owner,
    hints: LRU_CACHE_HINTS,
  });
  // `undefined` means "the default"; `null` is no value of any option.
  for (const key of Object.keys(options)) {
    if (options[key] === null) {
      throw invalidArgType(`options.${key}`, 'a value (or `undefined` for the default)', null);
    }
  }
  return options;
}

/** Validates a `ttl` and returns it in the store's terms: 0 for "never expires". */
export function resolveTtl(value: unknown, name: string): number {
  const ttl = validateDuration(value, name, { min: 1, allowInfinity: true });
  return ttl === Number.POSITIVE_INFINITY ? 0 : ttl;
}

/** Validates the options common to `BoundedMap`, `BoundedSet` and `memoize`. */
export function resolveBounds<K, V>(
  options: Record<string, unknown>,
  what: string,
  sizeOfInput: unknown,
): ResolvedBounds<K, V> {
  const max = options.max === undefined ? 0 : validatePositiveInteger(options.max, 'options.max');
  const maxBytes =
    options.maxBytes === undefined
      ? 0
      : validateInteger(options.maxBytes, 'options.maxBytes', { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (max === 0 && maxBytes === 0) throw missingBound(what, options);
  let sizeOf: ((value: V, key: K) => number) | undefined;
  if (sizeOfInput !== undefined)
    sizeOf = validateFunction<(value: V, key: K) => number>(sizeOfInput, 'options.sizeOf');
  else if (maxBytes !== 0) sizeOf = defaultSizeOf;
  const ttl = options.ttl === undefined ? 0 : resolveTtl(options.ttl, 'options.ttl');
  let interval = options.sweepIntervalMs;
  let intervalName = 'options.sweepIntervalMs';
  if (options.sweepInterval !== undefined) {
    warnDeprecatedOption(what, 'sweepInterval', 'sweepIntervalMs');
    if (interval === undefined) {
      interval = options.sweepInterval;
      intervalName = 'options.sweepInterval';
    }
  }
  let sweepIntervalMs: number | false;
  if (interval === false) sweepIntervalMs = false;
  else if (interval === undefined) {
    sweepIntervalMs = Math.min(Math.max(ttl === 0 ? 60_000 : ttl, 1_000), 3_600_000);
  } else sweepIntervalMs = validateDuration(interval, intervalName, { min: 1 });
  const policy =
    options.policy === undefined
      ? 'tinylfu'
      : validateOneOf(options.policy, 'options.policy', ['tinylfu', 'lru'] as const);
  const name = options.name === undefined ? undefined : validateString(options.name, 'options.name');
  let clock: Clock | undefined;
  if (options.clock !== undefined) {
    const c = options.clock as { now?: unknown } | null;
    if (typeof c !== 'object' || c === null || typeof c.now !== 'function') {
      throw invalidArgType('options.clock', 'an object with a `now()` method', options.clock);
    }
    clock = c as Clock;
  }
  return { max, maxBytes, sizeOf, ttl, sweepIntervalMs, policy, name, clock };
}

/** The error for a constructor called without `max` or `maxBytes`. */
export function missingBound(what: string, received: unknown): Error {
  return invalidArgValue(
    'options',
    `an object with \`max\` or \`maxBytes\` (a ${what} without a bound is the leak it exists to prevent)`,
    received,
  );
}

/** A plain object (`{}` or `Object.create(null)`): only these are read as options. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether `value` can be iterated (`for…of`). */
export function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  );
}

/** What a `BoundedMap` or `BoundedSet` constructor was given, checked. @internal */
export interface Construction<K> {
  /** The entries or members to add first (`undefined` or `null`: none). */
  readonly items: unknown;
  /** The options, as checked. */
  readonly input: Record<string, unknown>;
  readonly settings: StoreSettings<K>;
  readonly name: string | undefined;
}

/**
 * Reads a constructor's arguments as Map's and Set's are, plus options:
 * `(options)` or `(iterable, options)`. A Map's `sizeOf(value, key)` and
 * `onEvict(value, key, reason)` go to the store as they are; a Set's `sizeOf(value)` and
 * `onEvict(value, reason)` are adapted (its key is its value). @internal
 */
export function construct<K>(
  first: unknown,
  second: unknown,
  what: 'BoundedMap' | 'BoundedSet',
  known: readonly string[],
): Construction<K> {
  let items: unknown;
  let options: unknown;
  if (second !== undefined || (first !== undefined && first !== null && isIterable(first))) {
    items = first;
    options = second;
  } else options = first;
  if (options === undefined || options === null) throw missingBound(what, options);
  const input = checkOptions(options, known, what);
  const isMap = what === 'BoundedMap';
  const bounds = resolveBounds<K, unknown>(input, what, input.sizeOf);
  let sizeOf = bounds.sizeOf as ((value: unknown, key: K) => number) | undefined;
  if (!isMap && sizeOf !== undefined) {
    const one = (input.sizeOf === undefined ? estimateSize : sizeOf) as (value: unknown) => number;
    sizeOf = (value) => one(value);
  }
  let onEvict: ((value: unknown, key: K, reason: EvictReason) => void) | undefined;
  if (input.onEvict !== undefined) {
    if (isMap) {
      onEvict = validateFunction<(value: unknown, key: K, reason: EvictReason) => void>(
        input.onEvict,
        'options.onEvict',
      );
    } else {
      const user = validateFunction<(value: unknown, reason: EvictReason) => void>(
        input.onEvict,
        'options.onEvict',
      );
      onEvict = (value, _key, reason) => user(value, reason);
    }
  }
  const settings: StoreSettings<K> = {
    max: bounds.max,
    maxBytes: bounds.maxBytes,
    sizeOf,
    ttl: bounds.ttl,
    sweepIntervalMs: bounds.sweepIntervalMs,
    clock: bounds.clock,
    policy: bounds.policy,
    onEvict,
  };
  return { items, input, settings, name: bounds.name };
}
