// The "database" both services share: a JSON file standing in for a products table, with a
// slow read so that cache hits are worth having. Reads are counted per process.
import { readFile, rename, writeFile } from 'node:fs/promises';

/** A row of the products table. */
export interface Product {
  id: string;
  name: string;
  price: number;
}

let reads = 0;

/** How many times this process read the database. */
export function databaseReads(): number {
  return reads;
}

/** Reads one product (20 ms, like a real query on a busy database). */
export async function readProduct(file: string, id: string, signal?: AbortSignal): Promise<Product> {
  reads++;
  await new Promise((resolve) => setTimeout(resolve, 20));
  signal?.throwIfAborted();
  const table = JSON.parse(await readFile(file, 'utf8')) as Record<string, Product>;
  const product = table[id];
  if (product === undefined) throw new Error(`no product ${id}`);
  return product;
}

/** Writes one product (atomically replacing the file). */
export async function writeProduct(file: string, product: Product): Promise<void> {
  const table = JSON.parse(await readFile(file, 'utf8')) as Record<string, Product>;
  table[product.id] = product;
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(table));
  await rename(temp, file);
}

/** Creates a table of `count` products. */
export async function seedCatalog(file: string, count: number): Promise<void> {
  const table: Record<string, Product> = {};
  for (let i = 1; i <= count; i++) table[String(i)] = { id: String(i), name: `Product ${i}`, price: 10 + i };
  await writeFile(file, JSON.stringify(table));
}
