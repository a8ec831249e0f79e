// @leakproof/redis as its README shows it: a RedisCache second tier under a TieredCache, from a
// URL (the optional ioredis peer is loaded by the package). REDIS_URL, default 127.0.0.1:6379.
import { RedisCache, TieredCache } from '@leakproof/redis';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/redis: ${what}`);
}

interface Product {
  readonly id: string;
  readonly price: number;
}

async function main(): Promise<void> {
  const namespace = `leakproof-consumer-${process.pid}-${Date.now()}`;
  await using l2 = new RedisCache<Product>({
    redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    namespace,
    ttl: 60_000,
  });
  await using products = new TieredCache<Product>({ name: 'products', l1: { max: 100 }, l2 });

  let loads = 0;
  const p = await products.getOrLoad('p1', async (id) => {
    loads++;
    return { id, price: 10 };
  });
  check(p.price === 10 && loads === 1, 'getOrLoad loads once');
  await products.set('p1', { ...p, price: 99 });
  check((await products.get('p1'))?.price === 99, 'set is read back');
  await l2.delete('p1');
}

main().then(
  () => console.log('ok @leakproof/redis'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
