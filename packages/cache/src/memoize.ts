import { invalidArgValue, validateFunction, validateObject } from '@leakproof/core';
import { BoundedMap, type SetOptions } from './bounded-map.js';
import type { BoundOptions, EvictReason } from './options.js';
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
  /** The results, keyed as `key` computes; clear it, delete from it, read its `stats()`. */
  readonly cache: BoundedMap<unknown, ReturnType<F>>;
};

const NO_ARGUMENTS = Symbol('no arguments');

/**
 * A bounded memoized version of `fn` — `functools.lru_cache(maxsize=...)` for Node, with
 * `ttl` and a byte budget. A function that returns a promise is deduplicated while in
 * flight (concurrent calls with one key share one call), its resolved promise is cached,
 * and a rejection is never cached. A thrown error is never cached.
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
  const input = validateObject<MemoizeOptions<F>>(options, 'options');
  const keyOf = input.key === undefined ? defaultKey : validateFunction<AnyFunction>(input.key, 'key');
  const sizeOf =
    input.sizeOf === undefined
      ? input.maxBytes === undefined
        ? undefined
        : (defaultSizeOf as (value: unknown, key: unknown) => number)
      : validateFunction<(value: unknown, key: unknown) => number>(input.sizeOf, 'sizeOf');
  const cache = new MemoCache<unknown, ReturnType<F>>({
    ...input,
    name: input.name ?? (fn.name === '' ? undefined : `memoize(${fn.name})`),
    // A promise is stored once settled, with an explicit size; a plain value is sized here.
    sizeOf: sizeOf === undefined ? undefined : (value, key) => sizeOf(value, key),
  });
  const pending = cache.pending;

  const memoized = function (this: unknown, ...args: Parameters<F>): ReturnType<F> {
    const key = keyOf.apply(this, args);
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as ReturnType<F>;
    const inFlight = pending.get(key);
    if (inFlight !== undefined) return inFlight as ReturnType<F>;
    const result = fn.apply(this, args) as ReturnType<F>;
    if (!isThenable(result)) {
      cache.set(key, result);
      return result;
    }
    const promise: Promise<unknown> = Promise.resolve(result).then(
      (value) => {
        if (pending.get(key) === promise) {
          pending.delete(key);
          if (sizeOf === undefined) cache.set(key, promise as ReturnType<F>);
          else cache.set(key, promise as ReturnType<F>, { size: sizeOf(value, key) });
        }
        return value;
      },
      (error: unknown) => {
        if (pending.get(key) === promise) pending.delete(key);
        throw error;
      },
    );
    pending.set(key, promise);
    return promise as ReturnType<F>;
  };
  Object.defineProperty(memoized, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(memoized, 'length', { value: fn.length, configurable: true });
  Object.defineProperty(memoized, 'cache', { value: cache, enumerable: true });
  return memoized as unknown as Memoized<F>;
}

/** The cache of a memoized function: a `set`, `delete` or `clear` also forgets calls in flight, so their stale results are not stored. */
class MemoCache<K, V> extends BoundedMap<K, V> {
  readonly pending = new Map<K, Promise<unknown>>();

  override set(key: K, value: V, options?: SetOptions): this {
    if (this.pending.size !== 0) this.pending.delete(key);
    return super.set(key, value, options);
  }

  override delete(key: K): boolean {
    if (this.pending.size !== 0) this.pending.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.pending.clear();
    super.clear();
  }
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
