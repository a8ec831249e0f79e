import { BoundedMap } from '@leakproof/cache';
import fc from 'fast-check';
import { LRUCache } from 'lru-cache';
import { describe, expect, it } from 'vitest';

// policy: 'lru' against lru-cache itself, the reference implementation of LRU: on any
// sequence of operations both hold the same keys and values and evict the same keys.
type Op = { op: 'set'; key: number; value: number } | { op: 'get' | 'has' | 'peek' | 'delete'; key: number };

const key = fc.integer({ min: 0, max: 12 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  fc.record({ op: fc.constantFrom('has' as const, 'peek' as const, 'delete' as const), key }),
);

describe("policy: 'lru' makes exactly lru-cache's evictions", () => {
  it('on any sequence of set/get/has/peek/delete (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 200 }), (max, ops) => {
        const ours: number[] = [];
        const theirs: number[] = [];
        const map = new BoundedMap<number, number>({
          max,
          policy: 'lru',
          onEvict: (_v, k, reason) => {
            if (reason === 'evict') ours.push(k);
          },
        });
        const lru = new LRUCache<number, number>({
          max,
          dispose: (_v, k, reason) => {
            if (reason === 'evict') theirs.push(k);
          },
        });
        for (const step of ops) {
          switch (step.op) {
            case 'set':
              map.set(step.key, step.value);
              lru.set(step.key, step.value);
              break;
            case 'get':
              expect(map.get(step.key)).toBe(lru.get(step.key));
              break;
            case 'has':
              expect(map.has(step.key)).toBe(lru.has(step.key));
              break;
            case 'peek':
              expect(map.peek(step.key)).toBe(lru.peek(step.key));
              break;
            case 'delete':
              expect(map.delete(step.key)).toBe(lru.delete(step.key));
              break;
          }
          expect(ours).toEqual(theirs);
        }
        // Same entries (our iteration is insertion order, lru-cache's is recency: compare as sets).
        expect(new Map(map)).toEqual(new Map(lru.entries()));
        map.dispose();
      }),
      { numRuns: 400 },
    );
  });

  it('with maxBytes against lru-cache maxSize (fast-check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 30 }), fc.array(op, { maxLength: 150 }), (maxBytes, ops) => {
        const sizeOf = (value: number) => (Math.abs(value) % 4) + 1;
        const ours: number[] = [];
        const theirs: number[] = [];
        const map = new BoundedMap<number, number>({
          maxBytes,
          sizeOf,
          policy: 'lru',
          onEvict: (_v, k, reason) => {
            if (reason === 'evict') ours.push(k);
          },
        });
        const lru = new LRUCache<number, number>({
          maxSize: maxBytes,
          sizeCalculation: sizeOf,
          dispose: (_v, k, reason) => {
            if (reason === 'evict') theirs.push(k);
          },
        });
        for (const step of ops) {
          if (step.op === 'set') {
            map.set(step.key, step.value);
            lru.set(step.key, step.value);
          } else if (step.op === 'get') expect(map.get(step.key)).toBe(lru.get(step.key));
          else if (step.op === 'delete') expect(map.delete(step.key)).toBe(lru.delete(step.key));
          else expect(map.has(step.key)).toBe(lru.has(step.key));
          expect(ours).toEqual(theirs);
          expect(map.stats().bytes).toBe(lru.calculatedSize);
        }
        map.dispose();
      }),
      { numRuns: 300 },
    );
  });
});
