import { setImmediate as nextMacrotask } from 'node:timers/promises';
import {
  createError,
  invalidArgType,
  validateFunction,
  validateInteger,
  validateOptions,
} from '@leakproof/core';
import { gc } from './gc.js';

/** Options of {@link expectCollected}. */
export interface ExpectCollectedOptions {
  /** Full collections to try before giving up. @default 10 */
  readonly attempts?: number | undefined;
  /** What to call the object in the error message. @default 'the object' */
  readonly label?: string | undefined;
}

// Kept in its own async function so that, once it returns, no frame of ours holds the target.
async function track(
  factory: () => unknown,
  registry: FinalizationRegistry<undefined>,
): Promise<WeakRef<object>> {
  const target: unknown = await factory();
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw invalidArgType('factory()', 'to return an object or a function', target);
  }
  registry.register(target, undefined);
  return new WeakRef(target);
}

/**
 * Asserts that what `factory` returns can be garbage-collected once `factory` is done with
 * it: the object is held only through a `WeakRef`, then full collections are forced (each
 * after a macrotask, since a `WeakRef` target stays alive until the job that created or read
 * it ends) until the target is gone and its finalizer has run. Rejects with
 * `ERR_LEAK_DETECTED` when something still holds it.
 *
 * `factory` may be async. It must not keep the object anywhere it will outlive the call,
 * which is exactly what is being tested.
 *
 * @example
 * ```ts
 * await expectCollected(() => {
 *   const lease = pool.acquireSync();
 *   lease.release();
 *   return lease; // a released lease must not be retained by the pool
 * });
 * ```
 */
export async function expectCollected(
  factory: () => unknown,
  options?: ExpectCollectedOptions,
): Promise<void> {
  validateFunction(factory, 'factory');
  const opts = validateOptions<ExpectCollectedOptions>(options);
  const attempts = validateInteger(opts.attempts ?? 10, 'attempts', { min: 1, max: 1000 });
  const label = opts.label ?? 'the object';
  if (typeof label !== 'string') throw invalidArgType('label', 'a string', label);
  let finalized = false;
  const registry = new FinalizationRegistry<undefined>(() => {
    finalized = true;
  });
  const ref = await track(factory, registry);
  // Never deref() and gc() in the same job: deref() keeps the target alive until the job ends.
  for (let i = 0; i < attempts; i++) {
    await nextMacrotask();
    gc();
    await nextMacrotask();
    if (ref.deref() === undefined && finalized) return;
  }
  if (ref.deref() === undefined) return; // collected; a late finalizer is not a leak
  throw createError('ERR_LEAK_DETECTED', { label, attempts });
}
