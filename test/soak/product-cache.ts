// The products tier: a TieredCache, L1 a bounded in-process map, L2 Redis (every key with a
// TTL), invalidations between processes on Redis pub/sub.
import { RedisCache, TieredCache } from '@leakproof/redis';

export interface Product {
  id: number;
  name: string;
  price: number;
}

export interface ProductCache {
  readonly tiered: TieredCache<Product>;
  getOrLoad(key: string, loader: () => Promise<Product>): Promise<Product>;
  /** Drops `key` everywhere; resolves false when Redis could not be reached (L1 was dropped anyway). */
  delete(key: string): Promise<boolean>;
  close(): Promise<void>;
}

export function createProductCache({
  redisUrl,
  namespace,
}: {
  redisUrl: string;
  namespace: string;
}): ProductCache {
  const l2 = new RedisCache<Product>({
    redis: redisUrl,
    namespace,
    ttl: 30_000,
    timeoutMs: 250,
    name: 'soak-l2',
  });
  // L1 entries live 5 s at most (`l1MaxTtl`; TieredCache sets each L1 entry's ttl itself), so
  // reads keep going through to L2 as well.
  const tiered = new TieredCache<Product>({ l1: { max: 500 }, l2, l1MaxTtl: 5_000, name: 'soak-products' });
  return {
    tiered,
    getOrLoad: (key, loader) => tiered.getOrLoad(key, () => loader()),
    delete: (key) =>
      tiered.delete(key).then(
        () => true,
        () => false,
      ),
    async close() {
      await tiered.close();
      await l2.clear().catch(() => {});
      await l2.close();
    },
  };
}
