// @leakproof/cache as its README shows it: BoundedMap, BoundedSet, getOrLoad, memoize.
import { BoundedMap, BoundedSet, memoize } from '@leakproof/cache';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/cache: ${what}`);
}

interface Product {
  readonly sku: string;
  readonly price: number;
}

async function main(): Promise<void> {
  const products = new BoundedMap<string, Product>({ name: 'products', max: 2, ttl: 60_000, policy: 'lru' });
  products.set('a', { sku: 'a', price: 1 }).set('b', { sku: 'b', price: 2 }).set('c', { sku: 'c', price: 3 });
  check(products.size === 2 && !products.has('a'), 'max evicts the least recently used');

  let loads = 0;
  const load = async (sku: string): Promise<Product> => {
    loads++;
    return { sku, price: 9 };
  };
  const [x, y] = await Promise.all([products.getOrLoad('d', load), products.getOrLoad('d', load)]);
  check(loads === 1 && x === y, 'getOrLoad is single-flight');

  const online = new BoundedSet<string>({ name: 'online-users', max: 100, ttl: 5 * 60_000 });
  online.add('ada');
  check(online.has('ada'), 'BoundedSet.add/has');

  let calls = 0;
  const rate = memoize(
    async (from: string, to: string) => {
      calls++;
      return `${from}${to}`.length;
    },
    { max: 1000, ttl: 30_000 },
  );
  await Promise.all([rate('EUR', 'USD'), rate('EUR', 'USD')]);
  check(calls === 1, 'memoize shares one call');
  check(typeof rate.cache.stats().hits === 'number', 'rate.cache.stats()');

  products[Symbol.dispose]();
  online[Symbol.dispose]();
}

main().then(
  () => console.log('ok @leakproof/cache'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
