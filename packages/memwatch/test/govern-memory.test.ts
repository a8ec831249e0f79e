import { registerPrimitive } from '@leakproof/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { governMemory } from '../src/govern-memory.js';

/** A cache of our own: `bytes` bytes in `size` entries, and a fake process whose use is the sum. */
class FakeCache {
  size: number;
  constructor(
    readonly name: string,
    size: number,
    readonly entryBytes: number,
  ) {
    this.size = size;
  }
  get bytes(): number {
    return this.size * this.entryBytes;
  }
  compact(fraction: number): void {
    this.size -= Math.ceil(this.size * fraction);
  }
}

const disposers: (() => void)[] = [];
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose();
  vi.useRealTimers();
});

function fakeCaches(...caches: FakeCache[]): { pressure: () => number; order: string[] } {
  const order: string[] = [];
  for (const cache of caches) {
    const r = registerPrimitive(cache, {
      kind: 'cache',
      name: cache.name,
      stats: (c) => ({ size: c.size, bytes: c.bytes }),
      compact: (c, fraction) => {
        order.push(c.name);
        c.compact(fraction);
      },
    });
    disposers.push(() => r.unregister());
  }
  const limit = 1_000_000;
  const base = 100_000;
  return { pressure: () => (base + caches.reduce((sum, c) => sum + c.bytes, 0)) / limit, order };
}

describe('governMemory', () => {
  it('does nothing below `high`', () => {
    const cache = new FakeCache('calm', 100, 1000);
    const { pressure } = fakeCaches(cache);
    using governor = governMemory({ high: 0.9, target: 0.5, pressure, collect: false });
    const r = governor.check();
    expect(r).toMatchObject({ compactions: 0, freedEntries: 0 });
    expect(cache.size).toBe(100);
    expect(governor.stats()).toMatchObject({ checks: 1, activations: 0, compactions: 0 });
  });

  it('compacts registered caches, largest first, until pressure is under `target`', () => {
    const big = new FakeCache('big', 600, 1000); // 600 KB
    const small = new FakeCache('small', 200, 1000); // 200 KB
    const { pressure, order } = fakeCaches(small, big);
    expect(pressure()).toBeCloseTo(0.9);
    using governor = governMemory({ high: 0.85, target: 0.6, step: 0.25, pressure });
    const r = governor.check();
    expect(order[0]).toBe('big');
    expect(r.pressureBefore).toBeCloseTo(0.9);
    expect(r.pressureAfter).toBeLessThan(0.6);
    expect(pressure()).toBeLessThan(0.6);
    expect(r.freedEntries).toBe(800 - big.size - small.size);
    expect(r.freedBytes).toBe(r.freedEntries * 1000);
    expect(governor.stats()).toMatchObject({
      activations: 1,
      compactions: r.compactions,
      freedEntries: r.freedEntries,
      freedBytes: r.freedBytes,
    });
  });

  it('with a custom reading, re-reads after each compaction and doubles the share when a pass is not enough', () => {
    const big = new FakeCache('big-nc', 800, 1000);
    const { pressure, order } = fakeCaches(big);
    using governor = governMemory({ high: 0.85, target: 0.5, step: 0.5, collect: false, pressure });
    // 0.9 -> half shed -> 0.5 (not under target) -> the rest shed -> 0.1
    expect(governor.check()).toMatchObject({ compactions: 2, freedEntries: 800, freedBytes: 800_000 });
    expect(order).toEqual(['big-nc', 'big-nc']);
    expect(pressure()).toBeCloseTo(0.1);
    expect(governor.check()).toMatchObject({ compactions: 0 }); // under high now
  });

  it('with the heap reading and collect: false, compacts the largest cache once per check', () => {
    const large = new FakeCache('large-heap', 100, 1000);
    const small = new FakeCache('small-heap', 10, 1000);
    const { order } = fakeCaches(small, large);
    // A container limit of half the RSS puts the real pressure near 2.
    using governor = governMemory({
      collect: false,
      containerLimit: Math.floor(process.memoryUsage().rss / 2),
    });
    const r = governor.check();
    expect(r.pressureBefore).toBeGreaterThan(1);
    expect(r.compactions).toBe(1);
    expect(order).toEqual(['large-heap']);
    expect(large.size).toBe(75);
  });

  it('runs on its timer, and stops when disposed', async () => {
    vi.useFakeTimers();
    const cache = new FakeCache('timed', 900, 1000);
    const { pressure } = fakeCaches(cache);
    const governor = governMemory({
      high: 0.85,
      target: 0.5,
      intervalMs: 50,
      collect: false,
      step: 0.1,
      pressure,
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(pressure()).toBeLessThan(0.5);
    expect(governor.stats().activations).toBe(1);
    governor.dispose();
    governor.dispose();
    cache.size = 900;
    await vi.advanceTimersByTimeAsync(500);
    expect(cache.size).toBe(900);
    expect(governor.stats().activations).toBe(1);
  });

  it('keeps going when one cache fails to compact, and reports it as a warning', async () => {
    const good = new FakeCache('good', 100, 1000);
    const { pressure } = fakeCaches(good);
    const broken = { size: 500 };
    const r = registerPrimitive(broken, {
      kind: 'cache',
      name: 'broken',
      stats: (b) => ({ size: b.size, bytes: b.size * 1000 }),
      compact: () => {
        throw new Error('cannot shed');
      },
    });
    disposers.push(() => r.unregister());
    const warnings: (Error & { code?: string })[] = [];
    const onWarning = (w: Error & { code?: string }) => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      using governor = governMemory({ high: 0.1, target: 0.05, step: 0.5, collect: false, pressure });
      governor.check();
      expect(good.size).toBe(0);
      expect(governor.stats().compactErrors).toBeGreaterThan(0);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
      expect(warnings.some((w) => w.code === 'LEAKPROOF_COMPACT_FAILED')).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('survives a pressure reading that throws on its timer', async () => {
    vi.useFakeTimers();
    const governor = governMemory({
      intervalMs: 10,
      pressure: () => {
        throw new Error('cgroup file gone');
      },
    });
    const warned: string[] = [];
    const onWarning = (w: Error & { code?: string }) => void warned.push(w.code ?? '');
    process.on('warning', onWarning);
    try {
      await vi.advanceTimersByTimeAsync(25);
      expect(governor.stats().readErrors).toBe(2);
      vi.useRealTimers();
      await new Promise((resolve) => setImmediate(resolve));
      expect(warned).toContain('LEAKPROOF_PRESSURE_READ_FAILED');
    } finally {
      process.off('warning', onWarning);
      governor.dispose();
    }
  });

  it('counts a pressure reading that is not a finite number as a read error and compacts nothing', async () => {
    const cache = new FakeCache('kept', 100, 1000);
    fakeCaches(cache);
    const warned: string[] = [];
    const onWarning = (w: Error & { code?: string }) => void warned.push(w.code ?? '');
    process.on('warning', onWarning);
    try {
      for (const reading of [undefined, Number.NaN, {}, Number.POSITIVE_INFINITY, '0.9']) {
        using governor = governMemory({ high: 0.5, target: 0.2, pressure: () => reading as never });
        const result = governor.check();
        expect(result.compactions).toBe(0);
        expect(governor.stats()).toMatchObject({ readErrors: 1, activations: 0, compactions: 0 });
      }
      expect(cache.size).toBe(100);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warned.filter((c) => c === 'LEAKPROOF_PRESSURE_READ_FAILED')).toHaveLength(5);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stops compacting when a re-reading after a compaction is not a finite number', () => {
    const big = new FakeCache('big', 100, 1000);
    const small = new FakeCache('small', 100, 10);
    fakeCaches(big, small);
    let reads = 0;
    const pressure = (): number => (reads++ === 0 ? 0.9 : Number.NaN);
    const onWarning = (): void => {};
    process.on('warning', onWarning);
    try {
      using governor = governMemory({ high: 0.5, target: 0.2, collect: false, pressure });
      expect(governor.check().compactions).toBe(1);
      expect(small.size).toBe(100);
      expect(governor.stats().readErrors).toBe(1);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('takes undefined options as their defaults and rejects null', () => {
    governMemory({ high: undefined, target: undefined, step: undefined, name: undefined }).dispose();
    for (const key of [
      'high',
      'target',
      'step',
      'intervalMs',
      'collect',
      'pressure',
      'containerLimit',
      'name',
    ]) {
      expect(() => governMemory({ [key]: null } as never)).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining(`options.${key}`),
        }),
      );
    }
  });

  it('rejects bad options', () => {
    expect(() => governMemory({ high: 0.5, target: 0.6 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => governMemory({ step: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => governMemory({ step: 2 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => governMemory({ pressure: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => governMemory({ intervalMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => governMemory({ collect: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});
