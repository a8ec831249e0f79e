import { BoundedMap } from '@leakproof/cache';
import { fetchProduct, type Product } from './catalog.js';

// AFTER: at most 1000 products, each for at most a minute; concurrent misses for one id
// share one database call, and a client that disconnects stops waiting without
// cancelling the load for the others.
const cache = new BoundedMap<string, Product>({ name: 'products', max: 1000, ttl: 60_000 });

/** Looks a product up through the bounded cache. */
export function getProduct(id: string, signal?: AbortSignal): Promise<Product> {
  return cache.getOrLoad(id, (key, load) => fetchProduct(key, { signal: load.signal }), { signal });
}

/** How many products the bounded cache holds. */
export const cachedProducts = (): number => cache.size;

/** The cache's figures, for a status endpoint. */
export const cacheStats = () => cache.stats();
