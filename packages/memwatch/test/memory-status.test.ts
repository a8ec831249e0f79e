import { registerPrimitive } from '@leakproof/core';
import { describe, expect, it } from 'vitest';
import { memoryStatus, readContainerLimit } from '../src/memory-status.js';

describe('memoryStatus', () => {
  it('reports the process figures with the heap as the limit when there is no container limit', () => {
    const s = memoryStatus({ containerLimit: 0 });
    expect(s.heapUsed).toBeGreaterThan(0);
    expect(s.heapTotal).toBeGreaterThanOrEqual(s.heapUsed);
    expect(s.heapLimit).toBeGreaterThan(s.heapTotal);
    expect(s.rss).toBeGreaterThan(0);
    expect(s.external).toBeGreaterThanOrEqual(s.arrayBuffers);
    expect(s.containerLimit).toBeNull();
    expect(s.limitedBy).toBe('heap');
    expect(s.effectiveLimit).toBe(s.heapLimit);
    expect(s.pressure).toBeCloseTo(s.heapUsed / s.heapLimit, 6);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('takes the container limit when it is the smaller one, and judges RSS against it', () => {
    const rss = process.memoryUsage().rss;
    const limit = rss * 2;
    const s = memoryStatus({ containerLimit: limit });
    expect(s.containerLimit).toBe(limit);
    expect(s.limitedBy).toBe('container');
    expect(s.effectiveLimit).toBe(limit);
    expect(s.pressure).toBeGreaterThan(0.3);
    expect(s.pressure).toBeLessThan(0.8);
  });

  it('keeps the heap limit when the container allows more', () => {
    const s = memoryStatus({ containerLimit: 2 ** 50 });
    expect(s.limitedBy).toBe('heap');
    expect(s.effectiveLimit).toBe(s.heapLimit);
  });

  it('treats 0, 2^64 and cgroup v1 "unlimited" as no limit', () => {
    expect(readContainerLimit(0)).toBeNull();
    expect(readContainerLimit(2 ** 64)).toBeNull();
    expect(readContainerLimit(Number(9223372036854771712n))).toBeNull();
    expect(readContainerLimit(512 * 2 ** 20)).toBe(512 * 2 ** 20);
  });

  it('lists live primitives with their stats, and drops unregistered ones', () => {
    const target = { size: 3 };
    const registration = registerPrimitive(target, {
      kind: 'cache',
      name: 'memory-status-test',
      stats: (t) => ({ size: t.size }),
    });
    const listed = memoryStatus().primitives.find((p) => p.name === 'memory-status-test');
    expect(listed).toEqual({
      id: registration.id,
      kind: 'cache',
      name: 'memory-status-test',
      stats: { size: 3 },
    });
    registration.unregister();
    expect(memoryStatus().primitives.find((p) => p.name === 'memory-status-test')).toBeUndefined();
    expect(memoryStatus({ primitives: false }).primitives).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => memoryStatus({ containerLimit: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => memoryStatus({ containerLimit: '1' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});
