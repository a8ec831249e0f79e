import { measureGrowth } from '@leakproof/memwatch';
import { describe, expect, it } from 'vitest';
import {
  boundedPriceTable,
  leakyPriceTable,
  leakyTableCount,
  rate,
  rateCalls,
} from '../src/exchange-rates.js';

describe('examples/memoize: lru_cache(maxsize) instead of an unbounded memo', () => {
  it('the Map memo grows with every distinct argument; memoize stays within its bounds', async () => {
    const options = { samples: 6, opsPerSample: 3_000, warmup: 1 };
    const leaky = await measureGrowth((i) => leakyPriceTable(i), options);
    const bounded = await measureGrowth((i) => boundedPriceTable(i), options);
    expect(leaky.bytesPerOp).toBeGreaterThan(500);
    expect(leakyTableCount()).toBe(leaky.ops + leaky.warmupOps);
    expect(bounded.bytesPerOp).toBeLessThan(10);
    const stats = boundedPriceTable.cache.stats();
    expect(stats.size).toBeLessThanOrEqual(500);
    expect(stats.bytes).toBeLessThanOrEqual(1_000_000);
  });

  it('returns the same results and shares concurrent async calls', async () => {
    expect(boundedPriceTable(1234)).toBe(leakyPriceTable(1234));
    const before = rateCalls();
    const [a, b, c] = await Promise.all([rate('GBP', 'JPY'), rate('GBP', 'JPY'), rate('GBP', 'JPY')]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(rateCalls() - before).toBe(1);
    expect(await rate('GBP', 'JPY')).toBe(a);
    expect(rateCalls() - before).toBe(1);
  });
});
