/** A product as the catalog database returns it: about a kilobyte once on the heap. */
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
  readonly description: string;
  readonly tags: readonly string[];
}

/** Stands in for the database: every lookup builds a fresh product after a tick. */
export async function fetchProduct(id: string, options: { signal?: AbortSignal } = {}): Promise<Product> {
  await new Promise((resolve) => setImmediate(resolve));
  options.signal?.throwIfAborted();
  return {
    id,
    name: `Product ${id}`,
    priceCents: (id.length * 997) % 10_000,
    description: `The ${id} — `.padEnd(600, 'lorem ipsum '),
    tags: ['catalog', `sku-${id}`],
  };
}
