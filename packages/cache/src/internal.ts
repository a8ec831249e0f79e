/**
 * An options key (never exported from the package) that tells a `BoundedMap` it is the
 * engine of another primitive, which registers itself instead.
 */
export const UNREGISTERED: unique symbol = Symbol('leakproof.cache.unregistered');

/**
 * A `BoundedMap` method (never exported from the package) through which `memoize` shares
 * the map's single flight: with only a key, it joins the load in flight (or returns
 * `undefined`); with a thenable, it makes that thenable the key's load, and `store` keeps
 * its value unless the key was written meanwhile.
 */
export const FLIGHT: unique symbol = Symbol('leakproof.cache.flight');
