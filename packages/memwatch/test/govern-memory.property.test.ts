import { registerPrimitive } from '@leakproof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { governMemory } from '../src/govern-memory.js';

// Module-level functions: the registry must not capture the caches through a closure context.
interface ModelCache {
  readonly name: string;
  size: number;
  readonly entryBytes: number;
}
const statsOf = (c: ModelCache) => ({ size: c.size, bytes: c.size * c.entryBytes });
const LIMIT = 10_000_000;

describe('governMemory against a model of caches and pressure', () => {
  it('ends under target or with nothing left to shed, largest first, and counts exactly what it freed', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            size: fc.integer({ min: 0, max: 2000 }),
            entryBytes: fc.integer({ min: 1, max: 2000 }),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 0, max: 5_000_000 }),
        fc.double({ min: 0.1, max: 0.95, noNaN: true }),
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.constantFrom(0.1, 0.25, 0.5, 1),
        (specs, base, high, targetShare, step) => {
          const target = high * targetShare;
          const caches: ModelCache[] = specs.map((s, i) => ({ name: `model-${i}`, ...s }));
          const compacted: string[] = [];
          const registrations = caches.map((cache) =>
            registerPrimitive(cache, {
              kind: 'cache',
              name: cache.name,
              stats: statsOf,
              compact: (c, fraction) => {
                compacted.push(c.name);
                c.size -= Math.ceil(c.size * fraction);
              },
            }),
          );
          const held = () => caches.reduce((sum, c) => sum + c.size * c.entryBytes, 0);
          const pressure = () => (base + held()) / LIMIT;
          const sizesBefore = caches.map((c) => c.size);
          const largest = [...caches].sort(
            (a, b) => b.size * b.entryBytes - a.size * a.entryBytes || b.size - a.size,
          )[0]!;
          const before = pressure();
          const governor = governMemory({
            high,
            target,
            step,
            pressure,
            collect: false,
            intervalMs: 1_000_000,
          });
          try {
            const r = governor.check();
            const freed = sizesBefore.reduce((sum, s, i) => sum + s - caches[i]!.size, 0);
            expect(r.freedEntries).toBe(freed);
            expect(r.pressureBefore).toBe(before);
            if (before < high) {
              expect(compacted).toEqual([]);
            } else {
              const remaining = caches.filter((c) => c.size > 0);
              expect(r.pressureAfter < target || remaining.length === 0).toBe(true);
              if (largest.size > 0) expect(compacted[0]).toBe(largest.name);
            }
            expect(governor.stats().freedEntries).toBe(freed);
          } finally {
            governor.dispose();
            for (const r of registrations) r.unregister();
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
