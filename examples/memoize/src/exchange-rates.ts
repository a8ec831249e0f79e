import { memoize } from '@leakproof/cache';

let remoteCalls = 0;
/** How many remote calls {@link fetchRate} has made. */
export const rateCalls = (): number => remoteCalls;

/** Stands in for a slow remote call. */
export async function fetchRate(from: string, to: string): Promise<number> {
  remoteCalls++;
  await new Promise((resolve) => setImmediate(resolve));
  return ((from.charCodeAt(0) * 31 + to.charCodeAt(0)) % 200) / 100 + 0.5;
}

/** Pure but costly: a formatted price table for an amount, a few KB per result. */
export function priceTable(amountCents: number): string {
  const lines: string[] = [];
  for (let i = 1; i <= 50; i++) lines.push(`${i} x ${amountCents} = ${((i * amountCents) / 100).toFixed(2)}`);
  return lines.join('\n');
}

// BEFORE: the hand-rolled memo that every codebase has, the JavaScript twin of Python's
// unbounded `@functools.cache`: every distinct argument is kept for ever.
const tables = new Map<number, string>();
/** Unbounded memo of {@link priceTable}. */
export function leakyPriceTable(amountCents: number): string {
  let table = tables.get(amountCents);
  if (table === undefined) tables.set(amountCents, (table = priceTable(amountCents)));
  return table;
}
/** How many tables the unbounded memo holds. */
export const leakyTableCount = (): number => tables.size;

// AFTER: `@functools.lru_cache(maxsize=500)`, plus a byte budget.
/** Bounded memo of {@link priceTable}: at most 500 tables and 1 MB. */
export const boundedPriceTable = memoize(priceTable, { max: 500, maxBytes: 1_000_000 });

// Async functions: concurrent calls share one request, results live 30 s, failures are
// never cached (an unbounded memo of promises would also cache the rejections).
/** Memoized {@link fetchRate}, keyed by both currencies. */
export const rate = memoize(fetchRate, { max: 1000, ttl: 30_000 });
