/**
 * An options key (never exported from the package) that tells a `BoundedMap` it is the
 * engine of another primitive, which registers itself instead.
 */
export const UNREGISTERED: unique symbol = Symbol('leakproof.cache.unregistered');
