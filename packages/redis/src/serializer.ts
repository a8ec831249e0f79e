import { invalidArgType, invalidArgValue } from '@leakproof/core';

/**
 * Turns values into the text stored in Redis and back. Pass your own to
 * `RedisCache({ serializer })` (for example a schema-validating one); the default is
 * {@link jsonSerializer}.
 */
export interface Serializer<V> {
  /** Text to store for `value`. Throwing rejects the write. */
  serialize(value: V): string;
  /** The value for stored `text`. Throwing makes the read fail. */
  deserialize(text: string): V;
}

// Keys that can reach an object's prototype when the parsed value is later merged.
// A cheap substring check keeps the reviver (slow) off the common path; the reviver
// itself sees decoded keys, so `\u005f_proto__` spellings are caught too.
const SUSPICIOUS = /proto|constructor|\\u/;

function safeReviver(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (
    key === 'constructor' &&
    typeof value === 'object' &&
    value !== null &&
    Object.hasOwn(value, 'prototype')
  ) {
    return undefined;
  }
  return value;
}

/**
 * Parses JSON like `JSON.parse`, but drops every `__proto__` key and every `constructor`
 * key whose value has a `prototype` property, at any depth, so that what comes back
 * from Redis cannot pollute prototypes when the caller merges it into other objects.
 *
 * @example
 * ```ts
 * safeJsonParse('{"__proto__":{"admin":true},"a":1}'); // { a: 1 }
 * ```
 */
export function safeJsonParse(text: string): unknown {
  if (typeof text !== 'string') throw invalidArgType('text', 'a string', text);
  return SUSPICIOUS.test(text) ? JSON.parse(text, safeReviver) : JSON.parse(text);
}

/**
 * The default serializer: `JSON.stringify` on the way in, {@link safeJsonParse} on the way
 * out. Values that JSON cannot represent (`undefined`, functions, symbols, `BigInt`,
 * cycles) are rejected at `set` with `ERR_INVALID_ARG_VALUE`.
 */
export const jsonSerializer: Serializer<unknown> = Object.freeze({
  serialize(value: unknown): string {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw Object.assign(invalidArgValue('value', 'JSON-serializable', value), { cause: error });
    }
    if (text === undefined) throw invalidArgValue('value', 'JSON-serializable', value);
    return text;
  },
  deserialize: safeJsonParse,
});
