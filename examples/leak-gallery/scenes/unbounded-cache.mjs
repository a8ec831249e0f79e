// 1. A `Map` used as a cache, keyed by product id, that never evicts: every product ever
// asked for stays in memory. BoundedMap is the same `Map`, with a bound.
import { text } from '../lib/payload.mjs';

const MAX = 1_000;

function loadProduct(id) {
  return { id, name: `Product ${id}`, priceCents: (id * 37) % 100_000, description: text(1_024, id) };
}

function scenario(cache) {
  function getProduct(id) {
    let product = cache.get(id);
    if (product === undefined) {
      product = loadProduct(id);
      cache.set(id, product);
    }
    return product;
  }
  return {
    step(from, to) {
      // A long-tail catalogue: almost every request asks for a product not seen before.
      for (let i = from; i < to; i++) getProduct(i);
    },
    notes: () => [`${cache.size.toLocaleString('en-US')} products cached at the end`],
  };
}

export default {
  id: 'cache',
  title: 'Unbounded cache',
  problem: 'A `Map` keyed by product id caches every product ever requested and never evicts.',
  plain: 'new Map()',
  leakproof: `new BoundedMap({ max: ${MAX} })`,
  requires: ['@leakproof/cache'],
  warmupOps: 2 * MAX,
  defaultOps: 20_000,
  leakBytesPerOp: 128,
  async run(variant) {
    if (variant === 'plain') return scenario(new Map());
    const { BoundedMap } = await import('@leakproof/cache');
    return scenario(new BoundedMap({ max: MAX, name: 'gallery-products' }));
  },
};
