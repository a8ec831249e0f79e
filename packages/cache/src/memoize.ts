import { invalidArgValue, validateFunction } from '@leakproof/core';
import { BoundedMap, type BoundedMapOptions } from './bounded-map.js';
import { FLIGHT } from './internal.js';
import { BOUND_KEYS, type BoundOptions, checkOptions, type EvictReason } from './options.js';
import { defaultSizeOf } from './size-of.js';

// biome-ignore lint/suspicious/noExplicitAny: the constraint every function type satisfies
type AnyFunction = (...args: any[]) => unknown;

/** Options of {@link memoize}. At least one of `max` and `maxBytes` is required. */
export interface MemoizeOptions<F extends AnyFunction> extends BoundOptions {
  /**
   * The cache key for a call. The default is the argument itself for one argument, a
   * fixed key for none, and for several a string built from them when all are primitives
   * (objects then need a `key` of yours: the call throws `ERR_INVALID_ARG_VALUE`).
   */
  readonly key?: ((...args: Parameters<F>) => unknown) | undefined;
  /**
   * The byte size of a result (for a promise, of its resolved value).
   * @default {@link defaultSizeOf} when `maxBytes` is set
   */
  readonly sizeOf?: ((value: Awaited<ReturnType<F>>, key: unknown) => number) | undefined;
  /** Called after a result has left the cache; same contract as `BoundedMap`'s `onEvict`. */
  readonly onEvict?: ((value: ReturnType<F>, key: unknown, reason: EvictReason) => void) | undefined;
}

/** A memoized function: the original's signature plus its cache. */
export type Memoized<F extends AnyFunction> = F & {
  /**
   * The results, keyed as `key` computes; clear it, delete from it, read its `stats()`
   * (`inflight` counts the calls whose promise has not settled yet).
   */
  readonly cache: BoundedMap<unknown, ReturnType<F>>;
};

/** The option names {@link memoize} reads. */
export const MEMOIZE_KEYS: readonly string[] = [...BOUND_KEYS, 'key', 'sizeOf', 'onEvict'];

const NO_ARGUMENTS = Symbol('no arguments');

/**
 * A bounded memoized version of `fn` — `functools.lru_cache(maxsize=...)` for Node, with
 * `ttl` and a byte budget: `getOrLoad` on a `BoundedMap` plus a key function. A function
 * that returns a promise loads once per key while in flight (concurrent calls share one
 * call and one promise, counted in `cache.stats().inflight`); its resolved value is
 * cached as a resolved promise, and a rejection is never cached. A thrown error is never
 * cached. A `set`, `delete` or `clear` on `.cache` during a call keeps that call's result
 * out of the cache.
 *
 * @example
 * ```ts
 * const price = memoize((sku: string) => db.price(sku), { max: 10_000, ttl: 30_000 });
 * await price('A-1'); // calls db.price
 * await price('A-1'); // cached
 * price.cache.stats(); // { hits: 1, misses: 1, ... }
 * ```
 */
export function memoize<F extends AnyFunction>(fn: F, options: MemoizeOptions<F>): Memoized<F> {
  validateFunction(fn, 'fn');
  const input = checkOptions(options, MEMOIZE_KEYS, 'memoize') as MemoizeOptions<F>;
  const keyOf =
    input.key === undefined ? defaultKey : validateFunction<AnyFunction>(input.key, 'options.key');
  const sizeOf =
    input.sizeOf === undefined
      ? input.maxBytes === undefined
        ? undefined
        : (defaultSizeOf as (value: unknown, key: unknown) => number)
      : validateFunction<(value: unknown, key: unknown) => number>(input.sizeOf, 'options.sizeOf');
  const { key: _key, sizeOf: _sizeOf, ...bounds } = input;
  const mapOptions: BoundedMapOptions<unknown, ReturnType<F>> = {
    ...bounds,
    name: input.name ?? (fn.name === '' ? undefined : `memoize(${fn.name})`),
    // A promise is stored once settled, with an explicit size; a plain value is sized here.
    sizeOf: sizeOf === undefined ? undefined : (value, key) => sizeOf(value, key),
  };
  const cache = new BoundedMap<unknown, ReturnType<F>>(mapOptions);

  const memoized = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    const key = keyOf.apply(this, args);
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as ReturnType<F>;
    const joined = cache[FLIGHT](key);
    if (joined !== undefined) return joined as ReturnType<F>;
    const result = fn.apply(this, args) as ReturnType<F>;
    if (!isThenable(result)) {
      cache.set(key, result);
      return result;
    }
    return cache[FLIGHT](key, result, (value) => {
      const settled = Promise.resolve(value) as ReturnType<F>;
      if (sizeOf === undefined) cache.set(key, settled);
      else cache.set(key, settled, { size: sizeOf(value, key) });
    }) as ReturnType<F>;
  };
  Object.defineProperty(memoized, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(memoized, 'length', { value: fn.length, configurable: true });
  Object.defineProperty(memoized, 'cache', { value: cache, enumerable: true });
  return memoized as unknown as Memoized<F>;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function defaultKey(...args: unknown[]): unknown {
  if (args.length === 0) return NO_ARGUMENTS;
  if (args.length === 1) return args[0];
  let key = '';
  for (const arg of args) {
    switch (typeof arg) {
      case 'string':
        key += `${JSON.stringify(arg)},`;
        break;
      case 'number':
      case 'boolean':
      case 'undefined':
        key += `${String(arg)},`;
        break;
      case 'bigint':
        key += `${String(arg)}n,`;
        break;
      default:
        if (arg === null) {
          key += 'null,';
          break;
        }
        throw invalidArgValue(
          'arguments',
          'primitives for the default memoize key when there are several; pass a `key` option',
          arg,
        );
    }
  }
  return key;
}
