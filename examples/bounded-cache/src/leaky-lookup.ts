import { fetchProduct, type Product } from './catalog.js';

// BEFORE: the cache every service starts with. Every product id ever requested stays
// in memory for the life of the process; a crawler walking the catalog is enough to OOM it.
const cache = new Map<string, Product>();

/** Looks a product up, caching it forever. */
export async function getProduct(id: string): Promise<Product> {
  const cached = cache.get(id);
  if (cached !== undefined) return cached;
  const product = await fetchProduct(id);
  cache.set(id, product);
  return product;
}

/** How many products the leaky cache holds. */
export const cachedProducts = (): number => cache.size;
