import {
  invalidArgType,
  invalidArgValue,
  validateDuration,
  validateFunction,
  validateInteger,
  validateObject,
  validatePositiveInteger,
  validateString,
} from '@leakproof/core';
import { defaultSizeOf } from './size-of.js';

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
   * `maxBytes` is required. The engine allocates its index arrays for `max` up front
   * (a few bytes per slot), so size it to what you mean to hold.
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
   * read, by `size`, by `compact`, and by the sweep.
   * @default Infinity
   */
  readonly ttl?: number | undefined;
  /**
   * How often the one unref'd sweep timer removes expired entries nobody reads, in
   * milliseconds, or `false` for no sweep. It starts with the first entry that has a
   * finite `ttl`, holds the cache weakly, and stops on dispose.
   * @default the default `ttl` clamped to 1 000..3 600 000 ms (60 000 when only per-entry ttls are used)
   */
  readonly sweepInterval?: number | false | undefined;
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
  readonly sweepInterval: number | false;
  readonly name: string | undefined;
  readonly clock: Clock | undefined;
}

/** Validates a `ttl` and returns it in the engine's terms: 0 for "never expires". */
export function resolveTtl(value: unknown, name: string): number {
  const ttl = validateDuration(value, name, { min: 1, allowInfinity: true });
  return ttl === Number.POSITIVE_INFINITY ? 0 : ttl;
}

/** Validates the options common to `BoundedMap` and `BoundedSet`. */
export function resolveBounds<K, V>(
  input: unknown,
  what: string,
  sizeOfInput: unknown,
  sizeOfName: string,
): ResolvedBounds<K, V> {
  const options = validateObject<Record<string, unknown>>(input, 'options');
  const max = options.max === undefined ? 0 : validatePositiveInteger(options.max, 'max');
  const maxBytes =
    options.maxBytes === undefined
      ? 0
      : validateInteger(options.maxBytes, 'maxBytes', { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (max === 0 && maxBytes === 0) {
    throw invalidArgValue(
      'options',
      `an object with \`max\` or \`maxBytes\` (a ${what} without a bound is the leak it exists to prevent)`,
      input,
    );
  }
  let sizeOf: ((value: V, key: K) => number) | undefined;
  if (sizeOfInput !== undefined)
    sizeOf = validateFunction<(value: V, key: K) => number>(sizeOfInput, sizeOfName);
  else if (maxBytes !== 0) sizeOf = defaultSizeOf;
  const ttl = options.ttl === undefined ? 0 : resolveTtl(options.ttl, 'ttl');
  let sweepInterval: number | false;
  if (options.sweepInterval === false) sweepInterval = false;
  else if (options.sweepInterval === undefined) {
    sweepInterval = Math.min(Math.max(ttl === 0 ? 60_000 : ttl, 1_000), 3_600_000);
  } else sweepInterval = validateDuration(options.sweepInterval, 'sweepInterval', { min: 1 });
  const name = options.name === undefined ? undefined : validateString(options.name, 'name');
  let clock: Clock | undefined;
  if (options.clock !== undefined) {
    const c = options.clock as { now?: unknown } | null;
    if (typeof c !== 'object' || c === null || typeof c.now !== 'function') {
      throw invalidArgType('clock', 'an object with a `now()` method', options.clock);
    }
    clock = c as Clock;
  }
  return { max, maxBytes, sizeOf, ttl, sweepInterval, name, clock };
}
