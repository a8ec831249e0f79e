import { invalidArgValue } from '@leakproof/core';

/** The most values {@link estimateSize} visits in one call; past it, it throws and asks for a `sizeOf`. */
export const SIZE_OF_NODE_BUDGET = 10_000;

const POINTER = 8;
const STRING_HEADER = 16;
const OBJECT_HEADER = 32;
const ARRAY_HEADER = 16;
const BUFFER_HEADER = 64;

/**
 * The default byte estimate for a cache entry's key or value: what it costs on the V8 heap,
 * roughly, so that `maxBytes` bounds memory without a hand-written `sizeOf`.
 *
 * - strings: 16 + 2 × length (V8 stores Latin-1 strings at one byte per character, so
 *   ASCII is over-counted up to 2×: the estimate errs on the side of the bound);
 * - `Buffer`, typed arrays, `DataView`, `ArrayBuffer`: 64 + `byteLength`;
 * - numbers, booleans, `null`, `undefined`, symbols, functions: 8 (a pointer; functions
 *   and symbols are counted by reference, not by what they close over);
 * - bigints: 16 + 8 per 64 bits; `Date`: 32;
 * - arrays: 16 + 8 per slot + each element; `Map`/`Set`: 32 + each key and value;
 * - other objects: 32 + each own enumerable string key and its value.
 *
 * Shared and cyclic references are counted once. The walk visits at most
 * {@link SIZE_OF_NODE_BUDGET} values, so its cost is bounded; a larger value throws
 * `ERR_INVALID_ARG_VALUE` asking for a `sizeOf` of your own.
 *
 * @example
 * ```ts
 * estimateSize('hello'); // 26
 * estimateSize(Buffer.alloc(1024)); // 1088
 * ```
 */
export function estimateSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return STRING_HEADER + 2 * value.length;
    case 'number':
    case 'boolean':
    case 'undefined':
    case 'symbol':
    case 'function':
      return POINTER;
    case 'bigint':
      return bigintSize(value);
    default:
      return value === null ? POINTER : walk(value as object);
  }
}

function bigintSize(value: bigint): number {
  const bits = (value < 0n ? -value : value).toString(16).length * 4;
  return 16 + 8 * Math.ceil(bits / 64);
}

function walk(root: object): number {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let total = 0;
  let visited = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (++visited > SIZE_OF_NODE_BUDGET) {
      throw invalidArgValue(
        'value',
        `small enough for the default size estimate (at most ${SIZE_OF_NODE_BUDGET} nested values); pass a \`sizeOf\` option`,
        root,
      );
    }
    if (typeof value !== 'object' || value === null) {
      total += estimateSize(value);
      continue;
    }
    if (seen.has(value)) {
      total += POINTER;
      continue;
    }
    seen.add(value);
    if (ArrayBuffer.isView(value)) {
      total += BUFFER_HEADER + value.byteLength;
    } else if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) {
      total += BUFFER_HEADER + value.byteLength;
    } else if (value instanceof Date) {
      total += OBJECT_HEADER;
    } else if (Array.isArray(value)) {
      total += ARRAY_HEADER + POINTER * value.length;
      for (let i = 0; i < value.length; i++) stack.push(value[i]);
    } else if (value instanceof Map) {
      total += OBJECT_HEADER;
      for (const [k, v] of value) stack.push(k, v);
    } else if (value instanceof Set) {
      total += OBJECT_HEADER;
      for (const v of value) stack.push(v);
    } else {
      total += OBJECT_HEADER;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        total += POINTER + STRING_HEADER + 2 * key.length;
        stack.push(record[key]);
      }
    }
  }
  return total;
}

/** The default `sizeOf(value, key)`: {@link estimateSize} of the value plus that of the key. */
export function defaultSizeOf(value: unknown, key: unknown): number {
  return estimateSize(value) + estimateSize(key);
}
