import v8 from 'node:v8';
import { createError, invalidArgType, validateFunction } from '@leakproof/core';

type QueryObjects = (ctor: Function, options?: { format: 'count' }) => number;

/**
 * Counts the live objects whose prototype chain contains `Ctor.prototype` (instances of
 * `Ctor` and of its subclasses), after a full collection. Uses `v8.queryObjects`
 * (Node ≥ 20.13 / 22); elsewhere throws `ERR_UNSUPPORTED_RUNTIME`.
 *
 * The count walks the whole heap: it is a test and debugging tool, not something to call
 * per request.
 *
 * @example
 * ```ts
 * const before = countLive(Session);
 * await handleRequests(100);
 * expect(countLive(Session)).toBe(before);
 * ```
 */
export function countLive(Ctor: Function): number {
  validateFunction(Ctor, 'Ctor');
  const query = (v8 as { queryObjects?: QueryObjects | undefined }).queryObjects;
  if (typeof query !== 'function') {
    throw createError('ERR_UNSUPPORTED_RUNTIME', {
      what: 'countLive()',
      needs: 'v8.queryObjects (Node >= 20.13 or >= 22)',
    });
  }
  if (typeof Ctor.prototype !== 'object' || Ctor.prototype === null) {
    throw invalidArgType('Ctor', 'a constructor with a prototype', Ctor);
  }
  return query(Ctor, { format: 'count' });
}
