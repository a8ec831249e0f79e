import { createError } from './catalogue/index.js';

/** An option or argument error carrying one of Node's own error codes. */
export interface ArgumentError extends Error {
  readonly code: 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_ARG_VALUE';
}

/** `TypeError` with `code: 'ERR_INVALID_ARG_TYPE'`: ``Expected `name` to be expected, got value``. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError & ArgumentError {
  return createError('ERR_INVALID_ARG_TYPE', { name, expected, actual: value });
}

/** `RangeError` with `code: 'ERR_OUT_OF_RANGE'`: ``Expected `name` to be range, got value``. */
export function outOfRange(name: string, range: string, value: unknown): RangeError & ArgumentError {
  return createError('ERR_OUT_OF_RANGE', { name, range, actual: value });
}

/** `TypeError` with `code: 'ERR_INVALID_ARG_VALUE'`: ``Expected `name` to be rule, got value``. */
export function invalidArgValue(name: string, rule: string, value: unknown): TypeError & ArgumentError {
  return createError('ERR_INVALID_ARG_VALUE', { name, rule, actual: value });
}

/** The largest `max` any bounded structure accepts: V8's limit on the entries of a `Map`. */
export const MAX_ENTRIES = 2 ** 24;

/** Bounds for {@link validateInteger}. Both ends are inclusive. */
export interface IntegerBounds {
  /** @default 0 */
  readonly min?: number | undefined;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number | undefined;
}

/**
 * Asserts `value` is an integer within `[min, max]` and returns it.
 * Non-numbers throw `ERR_INVALID_ARG_TYPE`; NaN, fractions, infinities and numbers outside
 * the bounds throw `ERR_OUT_OF_RANGE`.
 */
export function validateInteger(value: unknown, name: string, bounds: IntegerBounds = {}): number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number') throw invalidArgType(name, 'a number', value);
  if (!Number.isInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer from ${min} and up` : `an integer from ${min} to ${max}`;
    throw outOfRange(name, range, value);
  }
  return value;
}

/** Asserts `value` is an integer from 1 to `max` (default {@link MAX_ENTRIES}) and returns it. */
export function validatePositiveInteger(value: unknown, name: string, max: number = MAX_ENTRIES): number {
  return validateInteger(value, name, { min: 1, max });
}

/** Options for {@link validateDuration}. */
export interface DurationOptions {
  /** Accept `Infinity` as "no limit". @default false */
  readonly allowInfinity?: boolean | undefined;
  /** Smallest accepted value. @default 0 */
  readonly min?: number | undefined;
}

/**
 * Asserts `value` is a duration in milliseconds: a finite number ≥ `min` (or `Infinity`
 * when allowed). Timers in Node cap at 2^31-1 ms, so larger finite values are rejected too.
 */
export function validateDuration(value: unknown, name: string, options: DurationOptions = {}): number {
  const min = options.min ?? 0;
  if (typeof value !== 'number') throw invalidArgType(name, 'a number of milliseconds', value);
  if (value === Number.POSITIVE_INFINITY && options.allowInfinity === true) return value;
  if (Number.isNaN(value) || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    throw outOfRange(
      name,
      `a number of milliseconds from ${min} to ${MAX_TIMER_MS}${options.allowInfinity === true ? ' or Infinity' : ''}`,
      value,
    );
  }
  return value;
}

/** The longest delay Node's timers honour (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Asserts `value` is a number within `[min, max]` (finite) and returns it. */
export function validateNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'a number', value);
  if (Number.isNaN(value) || value < min || value > max) {
    throw outOfRange(name, `a number from ${min} to ${max}`, value);
  }
  return value;
}

/** Asserts `value` is a function and returns it. */
export function validateFunction<F extends Function = (...args: never[]) => unknown>(
  value: unknown,
  name: string,
): F {
  if (typeof value !== 'function') throw invalidArgType(name, 'a function', value);
  return value as F;
}

/**
 * Asserts `value` is a real `AbortSignal` and returns it. Look-alike objects are rejected:
 * an object that only quacks can neither be listened to reliably nor left clean.
 */
export function validateAbortSignal(value: unknown, name: string): AbortSignal {
  if (!(value instanceof AbortSignal)) throw invalidArgType(name, 'an AbortSignal', value);
  return value;
}

/** Asserts `value` is one of `allowed` (compared with `===`) and returns it. */
export function validateOneOf<const T extends readonly unknown[]>(
  value: unknown,
  name: string,
  allowed: T,
): T[number] {
  if (!allowed.includes(value)) {
    throw invalidArgValue(name, `one of ${allowed.map((a) => `\`${String(a)}\``).join(', ')}`, value);
  }
  return value as T[number];
}

/** Asserts `value` is a non-null object (not an array) and returns it. */
export function validateObject<T extends object = Record<string, unknown>>(value: unknown, name: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgType(name, 'an object', value);
  }
  return value as T;
}

/** How {@link validateOptions} checks the keys of an options object. */
export interface KnownOptions {
  /** The thing the options configure, named in messages (`BoundedMap`, `createPool`). */
  readonly owner?: string | undefined;
  /**
   * Extra hints for unknown keys: the key a user wrote, and either the option to use instead
   * (an entry of `known`) or a sentence saying what to do.
   */
  readonly hints?: Readonly<Record<string, string>> | undefined;
}

/**
 * Option names users bring from the libraries leakproof replaces (lru-cache, generic-pool,
 * node:events), with the leakproof name or a sentence. A hint naming an option is only given
 * when the owner has that option.
 */
const FOREIGN_OPTION_HINTS: Readonly<Record<string, string>> = {
  // lru-cache
  maxSize: 'maxBytes',
  sizeCalculation: 'sizeOf',
  dispose: 'onEvict',
  disposeAfter: 'onEvict',
  fetchMethod: 'getOrLoad',
  ttlAutopurge: 'it is not needed: expired entries are swept by one shared timer',
  // generic-pool
  acquireTimeoutMillis: 'acquireTimeoutMs',
  destroyTimeoutMillis: 'destroyTimeoutMs',
  idleTimeoutMillis: 'idleTimeoutMs',
  softIdleTimeoutMillis: 'idleTimeoutMs',
  maxWaitingClients: 'maxWaiting',
  testOnBorrow: 'validateOnBorrow',
  fifo: 'order',
  // node:events and timers
  timeout: 'timeoutMs',
  sweepInterval: 'sweepIntervalMs',
};

/**
 * Checks an options bag. `undefined` yields an empty object (every option takes its default);
 * anything but a plain object is `ERR_INVALID_ARG_TYPE`. With `known`, a key that is not one of
 * them is `ERR_INVALID_ARG_VALUE` with a did-you-mean hint: the name users bring from
 * lru-cache, generic-pool or node:events, or a close spelling of a known option.
 *
 * @example
 * ```ts
 * const o = validateOptions<MapOptions>(options, 'options', ['max', 'ttl'], { owner: 'BoundedMap' });
 * ```
 */
export function validateOptions<T extends object>(
  value: unknown,
  name = 'options',
  known?: readonly string[],
  check: KnownOptions = {},
): Partial<T> {
  if (value === undefined) return {};
  const options = validateObject<Partial<T>>(value, name);
  if (known !== undefined) {
    for (const key of Object.keys(options)) {
      if (!known.includes(key)) throw unknownOption(name, key, known, check);
    }
  }
  return options;
}

function unknownOption(name: string, key: string, known: readonly string[], check: KnownOptions): TypeError {
  const hint = check.hints?.[key] ?? FOREIGN_OPTION_HINTS[key];
  let advice: string | undefined;
  if (hint !== undefined && known.includes(hint)) advice = `use \`${name}.${hint}\``;
  else if (hint !== undefined && /\s/.test(hint)) advice = hint;
  else {
    const close = closestName(key, known);
    if (close !== undefined) advice = `did you mean \`${name}.${close}\`?`;
  }
  const owner = check.owner === undefined ? '' : ` of ${check.owner}`;
  const rule = `a known option${owner} (${known.map((k) => `\`${k}\``).join(', ')})${advice === undefined ? '' : `; ${advice}`}`;
  return invalidArgValue(`${name}.${key}`, rule, key);
}

/** The known name closest to `key` (case-insensitive edit distance ≤ 2), if any. */
function closestName(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** Asserts `value` is a boolean and returns it. */
export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'a boolean', value);
  return value;
}

/** Asserts `value` is a string (non-empty unless `allowEmpty`) and returns it. */
export function validateString(value: unknown, name: string, allowEmpty = false): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'a string', value);
  if (!allowEmpty && value.length === 0) throw invalidArgValue(name, 'a non-empty string', value);
  return value;
}
