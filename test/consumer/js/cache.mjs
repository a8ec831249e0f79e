// Plain JavaScript against @leakproof/cache.
import { BoundedMap, memoize } from '@leakproof/cache';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/cache: ${what}`);
};

async function main() {
  const products = new BoundedMap({ name: 'products', max: 2, ttl: 60_000, policy: 'lru' });
  products.set('a', 1).set('b', 2).set('c', 3);
  check(products.size === 2 && !products.has('a'), 'max evicts the least recently used');
  let calls = 0;
  const rate = memoize(
    async (from, to) => {
      calls++;
      return from + to;
    },
    { max: 10 },
  );
  await Promise.all([rate('EUR', 'USD'), rate('EUR', 'USD')]);
  check(calls === 1, 'memoize shares one call');
  products[Symbol.dispose]();
}

main().then(
  () => console.log('ok @leakproof/cache'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
