// AFTER: a bounded L1 per process in front of one Redis tier shared by every instance; a
// write anywhere drops the key from every other instance's L1.
import { RedisCache, TieredCache } from '@leakproof/redis';
import { type Product, readProduct, writeProduct } from './catalog.js';

export function createProducts(dbFile: string, redisUrl: string, namespace = 'shop:products') {
  const l2 = new RedisCache<Product>({ redis: redisUrl, namespace, ttl: 5 * 60_000 });
  const cache = new TieredCache<Product>({ name: 'products', l1: { max: 1_000 }, l2, l1MaxTtl: 30_000 });
  return {
    cache,
    get: (id: string, signal?: AbortSignal): Promise<Product> =>
      cache.getOrLoad(id, (key, load) => readProduct(dbFile, key, load.signal), signal ? { signal } : {}),
    async update(product: Product): Promise<void> {
      await writeProduct(dbFile, product);
      await cache.set(product.id, product); // every other instance drops its copy
    },
    async close(): Promise<void> {
      await cache.close();
      await l2.close();
    },
  };
}
