import { listPrimitives } from '@leakproof/core';
import { MemoryCache } from '@leakproof/redis';
import { describe, expect, it } from 'vitest';
import { describeTierConformance } from './setup/tier-conformance.js';

describeTierConformance('MemoryCache', {
  create: ({ ttl, maxValueBytes }) =>
    new MemoryCache({ max: 1000, ttl, ...(maxValueBytes ? { maxValueBytes } : {}) }),
});

describe('MemoryCache', () => {
  it('requires a bound and a ttl', () => {
    expect(() => new MemoryCache({ ttl: 1000 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new MemoryCache({ max: 10 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new MemoryCache({ max: 0, ttl: 1000 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });

  it('evicts the least recently used entry past max', async () => {
    await using tier = new MemoryCache<number>({ max: 2, ttl: 60_000 });
    await tier.set('a', 1);
    await tier.set('b', 2);
    await tier.get('a');
    await tier.set('c', 3);
    expect(await tier.getMany(['a', 'b', 'c'])).toEqual([1, undefined, 3]);
    expect(tier.stats()).toMatchObject({ size: 2, evictions: 1 });
  });

  it('bounds bytes with maxBytes', async () => {
    await using tier = new MemoryCache<string>({ maxBytes: 100, ttl: 60_000 });
    for (let i = 0; i < 20; i++) await tier.set(`k${i}`, 'x'.repeat(10));
    expect(tier.stats().bytes).toBeLessThanOrEqual(100);
  });

  it('registers itself until closed', async () => {
    const tier = new MemoryCache({ max: 2, ttl: 1000, name: 'mem-tier' });
    expect(listPrimitives({ kind: 'memory-cache' }).map((p) => p.name)).toContain('mem-tier');
    await tier.close();
    expect(listPrimitives({ kind: 'memory-cache' }).map((p) => p.name)).not.toContain('mem-tier');
  });
});
