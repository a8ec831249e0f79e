import { BoundedSet, type EvictReason } from '@leakproof/cache';
import { listPrimitives } from '@leakproof/core';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('BoundedSet', () => {
  it('is a Set within its bound: add returns the set, re-add refreshes, has does not', () => {
    const events: Array<[string, EvictReason]> = [];
    const set = new BoundedSet<string>({ policy: 'lru', max: 3, onEvict: (v, r) => events.push([v, r]) });
    expect(set.add('a')).toBe(set);
    set.add('b').add('c').add('a'); // a refreshed
    set.has('b');
    set.add('d'); // b goes
    expect([...set]).toEqual(['a', 'c', 'd']); // insertion order, as a Set's
    expect(events).toEqual([['b', 'evict']]);
    expect(set.size).toBe(3);
    expect(set.delete('c')).toBe(true);
    expect(set.delete('c')).toBe(false);
    expect([...set.entries()]).toEqual([
      ['a', 'a'],
      ['d', 'd'],
    ]);
    expect([...set.keys()]).toEqual([...set.values()]);
    const seen: unknown[] = [];
    set.forEach((v, v2, s) => {
      seen.push(v, v2, s === set);
    });
    expect(seen).toEqual(['a', 'a', true, 'd', 'd', true]);
    set.clear();
    expect(set.size).toBe(0);
    expect(events.at(-1)).toEqual(['d', 'clear']);
  });

  it('forgets members after their ttl (a registry of connected users)', () => {
    const clock = { time: 0, now: () => clock.time };
    const online = new BoundedSet<string>({ policy: 'lru', max: 100, ttl: 1000, clock });
    online.add('ann');
    clock.time = 600;
    online.add('bob').add('ann'); // heartbeat refreshes ann
    clock.time = 1500;
    expect([...online]).toEqual(['ann', 'bob']); // insertion order; both live
    clock.time = 1700;
    expect([...online]).toEqual([]);
    expect(online.size).toBe(0);
    expect(online.has('ann')).toBe(false);
  });

  it('bounds bytes with the default estimator and rejects an oversize member', () => {
    const set = new BoundedSet<string>({ policy: 'lru', maxBytes: 200 });
    for (let i = 0; i < 50; i++) set.add(`member-${i}`);
    expect(set.stats().bytes).toBeLessThanOrEqual(200);
    expect(() => set.add('x'.repeat(500))).toThrow(
      expect.objectContaining({ code: 'ERR_CACHE_ENTRY_TOO_LARGE' }),
    );
    const custom = new BoundedSet<string>({ policy: 'lru', maxBytes: 10, sizeOf: (v) => v.length });
    custom.add('12345').add('67890').add('abc');
    expect([...custom]).toEqual(['67890', 'abc']);
  });

  it('registers once, as a set, with compact', () => {
    const set = new BoundedSet<number>({ policy: 'lru', max: 10, name: 'online-users' });
    for (let i = 0; i < 4; i++) set.add(i);
    const mine = listPrimitives().filter((p) => p.name === 'online-users');
    expect(mine.map((p) => p.kind)).toEqual(['set']);
    mine[0]?.compact?.(0.5);
    expect([...set]).toEqual([2, 3]);
    set.dispose();
    set.dispose();
    expect(listPrimitives().filter((p) => p.name === 'online-users')).toEqual([]);
    expect(() => set.add(1)).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  });

  it('types as a Set and validates its options', () => {
    const set = new BoundedSet<number>({ policy: 'lru', max: 1 });
    const asSet: Set<number> = set;
    expectTypeOf(set).toMatchTypeOf<Set<number>>();
    expect(asSet.has(1)).toBe(false);
    expect(set).toBeInstanceOf(Set);
    expect(Object.prototype.toString.call(set)).toBe('[object Set]');
    expect(() => new BoundedSet({})).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => new BoundedSet({ policy: 'lru', max: 1, onEvict: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new BoundedSet({ policy: 'lru', max: 1, sizeOf: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new BoundedSet({ max: 1.5 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
