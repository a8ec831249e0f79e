import { BoundedMap, defaultSizeOf, estimateSize, SIZE_OF_NODE_BUDGET } from '@leakproof/cache';
import { describe, expect, it } from 'vitest';

describe('maxBytes and sizeOf', () => {
  it('evicts least recently used entries until the bytes fit', () => {
    const map = new BoundedMap<string, number>({ maxBytes: 10, sizeOf: (value) => value });
    map.set('a', 4).set('b', 4);
    map.get('a');
    map.set('c', 4); // 12 > 10: b goes
    expect([...map.keys()]).toEqual(['a', 'c']);
    expect(map.stats()).toMatchObject({ bytes: 8, size: 2, maxBytes: 10, max: 0, evictions: 1 });
  });

  it('rejects an entry larger than maxBytes with a clear error and leaves the map as it was', () => {
    const map = new BoundedMap<string, number>({ maxBytes: 10, sizeOf: (value) => value });
    map.set('a', 5);
    expect(() => map.set('a', 11)).toThrow(
      expect.objectContaining({
        code: 'ERR_CACHE_ENTRY_TOO_LARGE',
        message: expect.stringMatching(/11 bytes.*maxBytes 10/),
      }),
    );
    expect(map.get('a')).toBe(5);
    expect(map.stats().bytes).toBe(5);
  });

  it('combines max and maxBytes: whichever binds first', () => {
    const map = new BoundedMap<number, number>({ max: 3, maxBytes: 100, sizeOf: () => 10 });
    for (let i = 0; i < 10; i++) map.set(i, i);
    expect(map.size).toBe(3);
    expect(map.stats().bytes).toBe(30);
  });

  it('a per-entry size overrides sizeOf', () => {
    const map = new BoundedMap<string, string>({ maxBytes: 100, sizeOf: () => 1 });
    map.set('a', 'x', { size: 60 });
    map.set('b', 'y', { size: 60 });
    expect([...map.keys()]).toEqual(['b']);
  });

  it('sizeOf returning garbage fails that set only', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3', null, undefined]) {
      const map = new BoundedMap<string, unknown>({ maxBytes: 100, sizeOf: (v) => v as number });
      map.set('ok', 5);
      expect(() => map.set('k', bad), String(bad)).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/ERR_OUT_OF_RANGE|ERR_INVALID_ARG_TYPE/) }),
      );
      expect([...map.keys()]).toEqual(['ok']);
    }
  });

  it('a throwing sizeOf fails that set only', () => {
    const map = new BoundedMap<string, number>({
      maxBytes: 100,
      sizeOf: (v) => {
        if (v < 0) throw new Error('negative');
        return 1;
      },
    });
    map.set('a', 1);
    expect(() => map.set('b', -1)).toThrow('negative');
    expect([...map.keys()]).toEqual(['a']);
  });

  it('tracks bytes with sizeOf alone, without a byte bound', () => {
    const map = new BoundedMap<string, string>({ max: 10, sizeOf: (v) => v.length });
    map.set('a', 'xyz');
    expect(map.stats().bytes).toBe(3);
  });

  it('the default estimator: documented figures, cycle-safe, bounded', () => {
    expect(estimateSize('hello')).toBe(26);
    expect(estimateSize(42)).toBe(8);
    expect(estimateSize(true)).toBe(8);
    expect(estimateSize(Buffer.alloc(1000))).toBe(1064);
    expect(estimateSize(new Float64Array(10))).toBe(144);
    expect(estimateSize([1, 2])).toBe(16 + 16 + 16);
    expect(estimateSize({ a: 1 })).toBe(32 + 8 + 18 + 8);
    expect(defaultSizeOf('v', 'k')).toBe(18 + 18);
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(estimateSize(cyclic)).toBeGreaterThan(32);
    const shared = { big: 'x'.repeat(1000) };
    expect(estimateSize([shared, shared])).toBeLessThan(2 * estimateSize(shared));
    const huge = Array.from({ length: SIZE_OF_NODE_BUDGET + 1 }, (_, i) => i);
    expect(() => estimateSize(huge)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('maxBytes with the default estimator bounds strings', () => {
    const map = new BoundedMap<string, string>({ maxBytes: 1000 });
    for (let i = 0; i < 100; i++) map.set(`k${i}`, 'x'.repeat(50));
    expect(map.stats().bytes).toBeLessThanOrEqual(1000);
    expect(map.size).toBeGreaterThan(0);
  });
});
