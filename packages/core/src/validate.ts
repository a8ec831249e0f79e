import { describeValue } from './describe.js';

/** An option or argument error carrying one of Node's own error codes. */
export interface ArgumentError extends Error {
  readonly code: 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_ARG_VALUE';
}

function withCode<E extends Error>(error: E, code: ArgumentError['code']): E & ArgumentError {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, configurable: true, writable: true });
  return error as E & ArgumentError;
}

/** `TypeError` with `code: 'ERR_INVALID_ARG_TYPE'`: ``Expected `name` to be expected, got value``. */
export function invalidArgType(name: string, expected: string, value: unknown): TypeError & ArgumentError {
  return withCode(
    new TypeError(`Expected \`${name}\` to be ${expected}, got ${describeValue(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `RangeError` with `code: 'ERR_OUT_OF_RANGE'`: ``Expected `name` to be range, got value``. */
export function outOfRange(name: string, range: string, value: unknown): RangeError & ArgumentError {
  return withCode(
    new RangeError(`Expected \`${name}\` to be ${range}, got ${describeValue(value)}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** `TypeError` with `code: 'ERR_INVALID_ARG_VALUE'`: ``Expected `name` to be rule, got value``. */
export function invalidArgValue(name: string, rule: string, value: unknown): TypeError & ArgumentError {
  return withCode(
    new TypeError(`Expected \`${name}\` to be ${rule}, got ${describeValue(value)}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** The largest `max` any bounded structure accepts: V8's limit on the entries of a `Map`. */
export const MAX_ENTRIES = 2 ** 24;

/** Bounds for {@link validateInteger}. Both ends are inclusive. */
export interface IntegerBounds {
  /** @default 0 */
  readonly min?: number;
  /** @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
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
  readonly allowInfinity?: boolean;
  /** Smallest accepted value. @default 0 */
  readonly min?: number;
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

/** Asserts `value` is an `AbortSignal` and returns it. */
export function validateAbortSignal(value: unknown, name: string): AbortSignal {
  if (!(value instanceof AbortSignal)) {
    // Signals from another realm or polyfill still work if they quack.
    const v = value as { aborted?: unknown; addEventListener?: unknown } | null;
    if (
      typeof v !== 'object' ||
      v === null ||
      typeof v.aborted !== 'boolean' ||
      typeof v.addEventListener !== 'function'
    ) {
      throw invalidArgType(name, 'an AbortSignal', value);
    }
  }
  return value as AbortSignal;
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

/** Like {@link validateObject}, but `undefined` yields an empty object: for optional options bags. */
export function validateOptions<T extends object>(value: unknown, name = 'options'): Partial<T> {
  if (value === undefined) return {};
  return validateObject<Partial<T>>(value, name);
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
