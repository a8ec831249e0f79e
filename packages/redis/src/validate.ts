// Internal: validation shared by the tiers.
import { invalidArgType, invalidArgValue, validateInteger, validateString } from '@leakproof/core';

const NAMESPACE = /^[^\s*?[\]\\{}]{1,200}$/;

/** A namespace: 1..200 characters, no whitespace, no glob characters (`* ? [ ] \`), no braces. */
export function validateNamespace(value: unknown, name = 'namespace'): string {
  validateString(value, name);
  if (!NAMESPACE.test(value as string)) {
    throw invalidArgValue(
      name,
      '1 to 200 characters without whitespace, glob characters (`*?[]\\`) or braces',
      value,
    );
  }
  return value as string;
}

/** A cache key: any string. */
export function validateKey(value: unknown, name = 'key'): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'a string', value);
  return value;
}

/** A TTL in milliseconds: an integer from 1 (Redis `PX` takes integers). */
export function validateTtl(value: unknown, name = 'ttl'): number {
  return validateInteger(value, name, { min: 1 });
}

/** Reads the optional `{ ttl }` of a call, falling back to `fallback`. */
export function callTtl(options: unknown, fallback: number): number {
  if (options === undefined) return fallback;
  if (typeof options !== 'object' || options === null) throw invalidArgType('options', 'an object', options);
  const ttl = (options as { ttl?: unknown }).ttl;
  return ttl === undefined ? fallback : validateTtl(ttl, 'options.ttl');
}
