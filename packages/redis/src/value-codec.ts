// Internal: turning a value into stored text, shared by every tier so they reject the
// same values with the same errors.
import { invalidArgType, invalidArgValue, outOfRange, validateObject } from '@leakproof/core';
import { valueTooLarge } from './errors.js';
import type { Serializer } from './serializer.js';

/** Serializes `value` and checks the result against `maxValueBytes`. */
export function encodeValue<V>(value: V, serializer: Serializer<V>, maxValueBytes: number): string {
  if (value === undefined)
    throw invalidArgValue('value', 'defined (`undefined` reads back as a miss)', value);
  const text = serializer.serialize(value);
  if (typeof text !== 'string') throw invalidArgType('serializer.serialize() result', 'a string', text);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: skip the byte count when it cannot matter.
  if (text.length * 3 > maxValueBytes) {
    const bytes = Buffer.byteLength(text);
    if (bytes > maxValueBytes) {
      throw outOfRange('value', `at most ${maxValueBytes} bytes once serialized (maxValueBytes)`, bytes);
    }
  }
  return text;
}

/** Validates a `serializer` option. */
export function validateSerializer<V>(value: unknown): Serializer<V> {
  const s = validateObject<Serializer<V>>(value, 'serializer');
  if (typeof s.serialize !== 'function' || typeof s.deserialize !== 'function') {
    throw invalidArgType('serializer', 'an object with serialize() and deserialize() methods', s);
  }
  return s;
}

/**
 * Turns stored `text` back into a value, refusing text larger than `maxValueBytes` (another
 * client may have written it): such a value is never returned nor kept anywhere.
 */
export function decodeValue<V>(
  text: string,
  serializer: Serializer<V>,
  maxValueBytes: number,
  key: string,
): V {
  if (text.length * 3 > maxValueBytes) {
    const bytes = text.length > maxValueBytes ? text.length : Buffer.byteLength(text);
    if (bytes > maxValueBytes) throw valueTooLarge(key, bytes, maxValueBytes);
  }
  return serializer.deserialize(text);
}
