import { inspect } from 'node:util';
import { createError } from '@leakproof/core';

/**
 * Errors for the misuses `node:events` itself defines, in Node's own words: the same
 * class, the same `code` and the same message, so code that matches on either keeps
 * working after the import changes. One formatter per message shape, written after
 * Node's `internal/errors.js` (and checked against `node:events` by the conformance tests).
 *
 * Leakproof's own extensions (scopes, limits, `timeoutMs`, the bounded buffer) keep the
 * house voice from `@leakproof/core`.
 */

type NodeCode = 'ERR_INVALID_ARG_TYPE' | 'ERR_OUT_OF_RANGE' | 'ERR_INVALID_ARG_VALUE' | 'ERR_INVALID_THIS';

/** An error carrying one of Node's codes, shaped as Node's own (`name`, `code`, `message`, stack). */
export type NodeError<E extends Error = Error> = E & { readonly code: NodeCode };

function withCode<E extends Error>(error: E, code: NodeCode): NodeError<E> {
  Object.defineProperty(error, 'code', { value: code, enumerable: true, configurable: true, writable: true });
  return error as NodeError<E>;
}

/** Node's `determineSpecificType`: how a received value is described after "Received". */
export function describeReceived(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      if (value === 0) return 1 / value === Number.NEGATIVE_INFINITY ? 'type number (-0)' : 'type number (0)';
      return `type number (${value})`;
    case 'boolean':
      return `type boolean (${value})`;
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${value.name}`;
    case 'object': {
      const ctor = (value as { constructor?: { name?: unknown } | undefined }).constructor;
      if (ctor && 'name' in ctor) return `an instance of ${String(ctor.name)}`;
      return inspect(value, { depth: -1 });
    }
    case 'string': {
      const shown = value.length > 28 ? `${value.slice(0, 25)}...` : value;
      return shown.includes("'") ? `type string (${JSON.stringify(shown)})` : `type string ('${shown}')`;
    }
    default:
      return `type ${typeof value} (${inspect(value, { colors: false })})`;
  }
}

const kTypes = [
  'string',
  'function',
  'number',
  'object',
  'Function',
  'Object',
  'boolean',
  'bigint',
  'symbol',
];
const classRegExp = /^([A-Z][a-z0-9]*)+$/;

function listOf(words: string[], one: string, several: string): string {
  if (words.length > 2) {
    const last = words[words.length - 1];
    return `${several} ${words.slice(0, -1).join(', ')}, or ${last}`;
  }
  if (words.length === 2) return `${several} ${words[0]} or ${words[1]}`;
  return `${one} ${words[0]}`;
}

/**
 * Node's `ERR_INVALID_ARG_TYPE` (`TypeError`): `The "name" argument must be of type
 * function. Received type number (1)`; a dotted name is a "property". `expected` uses
 * Node's vocabulary: lower-case type names, class names, or other phrases.
 */
export function nodeInvalidArgType(
  name: string,
  expected: string | readonly string[],
  actual: unknown,
): NodeError<TypeError> {
  const list = typeof expected === 'string' ? [expected] : [...expected];
  let msg = 'The ';
  if (name.endsWith(' argument')) msg += `${name} `;
  else msg += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `;
  msg += 'must be ';
  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const value of list) {
    if (kTypes.includes(value)) types.push(value.toLowerCase());
    else if (classRegExp.test(value)) instances.push(value);
    else other.push(value);
  }
  if (instances.length > 0) {
    const pos = types.indexOf('object');
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push('Object');
    }
  }
  if (types.length > 0) {
    msg += listOf(types, 'of type', 'one of type');
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg +=
      instances.length > 2
        ? `an instance of ${instances.slice(0, -1).join(', ')}, or ${instances[instances.length - 1]}`
        : `an instance of ${instances.join(' or ')}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) msg += listOf(other, '', 'one of');
    else {
      if (other[0]!.toLowerCase() !== other[0]) msg += 'an ';
      msg += other[0];
    }
  }
  msg += `. Received ${describeReceived(actual)}`;
  return withCode(new TypeError(msg), 'ERR_INVALID_ARG_TYPE');
}

function addNumericalSeparator(value: string): string {
  let res = '';
  let i = value.length;
  const start = value[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${value.slice(i - 3, i)}${res}`;
  return `${value.slice(0, i)}${res}`;
}

/** Node's `ERR_OUT_OF_RANGE` (`RangeError`): `The value of "name" is out of range. It must be range. Received value`. */
export function nodeOutOfRange(name: string, range: string, received: unknown): NodeError<RangeError> {
  let shown: string;
  if (Number.isInteger(received) && Math.abs(received as number) > 2 ** 32) {
    shown = addNumericalSeparator(String(received));
  } else if (typeof received === 'bigint') {
    shown = String(received);
    if (received > 2n ** 32n || received < -(2n ** 32n)) shown = addNumericalSeparator(shown);
    shown += 'n';
  } else {
    shown = inspect(received);
  }
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`),
    'ERR_OUT_OF_RANGE',
  );
}

/** Node's `ERR_INVALID_ARG_VALUE` (`TypeError`): `The property 'name' is invalid. Received value`. */
export function nodeInvalidArgValue(
  name: string,
  value: unknown,
  reason = 'is invalid',
): NodeError<TypeError> {
  let inspected = inspect(value);
  if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
  const type = name.includes('.') ? 'property' : 'argument';
  return withCode(
    new TypeError(`The ${type} '${name}' ${reason}. Received ${inspected}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** Node's `ERR_INVALID_THIS` (`TypeError`): `Value of "this" must be of type Type`. */
export function nodeInvalidThis(type: string): NodeError<TypeError> {
  return createError('ERR_INVALID_THIS', { type });
}

/** Node's `validateAbortSignal`: `undefined` passes; anything but an `AbortSignal` throws Node's error. */
export function validateSignal(signal: unknown, name: string): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (!(signal instanceof AbortSignal)) throw nodeInvalidArgType(name, 'AbortSignal', signal);
  return signal;
}

/** Node's `validateObject` for an options bag: `undefined` passes; `null`, arrays and primitives throw. */
export function validateOptionsObject<T extends object>(value: unknown, name = 'options'): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw nodeInvalidArgType(name, 'object', value);
  }
  return value as T;
}
