// BEFORE: each process keeps its own Map. It never evicts (the heap grows with the
// catalog), and a price changed through one instance stays stale in every other one.
import { type Product, readProduct, writeProduct } from './catalog.js';

export function createProducts(dbFile: string) {
  const cache = new Map<string, Product>();
  return {
    async get(id: string): Promise<Product> {
      const cached = cache.get(id);
      if (cached !== undefined) return cached;
      const product = await readProduct(dbFile, id);
      cache.set(id, product);
      return product;
    },
    async update(product: Product): Promise<void> {
      await writeProduct(dbFile, product);
      cache.set(product.id, product); // only this process learns about it
    },
    async close(): Promise<void> {},
  };
}
