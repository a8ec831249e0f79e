import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createError } from '@leakproof/core';

type GcFunction = () => void;

let resolved: GcFunction | undefined;

function resolveGc(): GcFunction {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return exposed as GcFunction;
  // Without --expose-gc: turn the flag on, and a fresh context gets a `gc` global. The
  // flag stays on for the rest of the process (turning it off again is not supported by
  // V8 once a context has seen it); it only exposes a function, it changes no GC policy.
  setFlagsFromString('--expose-gc');
  const fromContext: unknown = runInNewContext('gc');
  if (typeof fromContext !== 'function') {
    throw createError('ERR_GC_UNAVAILABLE');
  }
  return fromContext as GcFunction;
}

/**
 * Forces a full, synchronous garbage collection (every generation, weak references
 * cleared). Works whether or not the process was started with `--expose-gc`.
 *
 * A `WeakRef` target created or dereferenced in the current job stays alive until the job
 * ends; await a macrotask (`await new Promise(setImmediate)`) before `gc()` when that matters,
 * as {@link expectCollected} does.
 *
 * @example
 * ```ts
 * import { gc } from '@leakproof/memwatch';
 * gc();
 * const { heapUsed } = process.memoryUsage();
 * ```
 */
export function gc(): void {
  resolved ??= resolveGc();
  resolved();
}
