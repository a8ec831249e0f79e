import { BoundedMap, type EvictReason } from '@leakproof/cache';
import { describe, expect, it } from 'vitest';

type Event = [key: string, value: number | undefined, reason: EvictReason];

function recording(max = 2) {
  const events: Event[] = [];
  const map = new BoundedMap<string, number | undefined>({
    policy: 'lru',
    max,
    onEvict: (value, key, reason) => events.push([key, value, reason]),
  });
  return { map, events };
}

describe('onEvict', () => {
  it('reports every reason with the value and key', () => {
    const { map, events } = recording();
    map.set('a', 1).set('b', 2).set('c', 3); // evicts a
    map.set('b', 20); // replaces b
    map.set('b', 20); // same value: nothing left the cache
    map.delete('c');
    map.set('d', undefined);
    map.compact(0.5);
    map.set('e', 5);
    map.clear();
    expect(events).toEqual([
      ['a', 1, 'evict'],
      ['b', 2, 'set'],
      ['c', 3, 'delete'],
      ['b', 20, 'compact'],
      ['d', undefined, 'clear'],
      ['e', 5, 'clear'],
    ]);
    expect(map.stats()).toMatchObject({ evictions: 2, deletes: 1 });
  });

  it('runs after the operation, so it may use the map', () => {
    const seen: Array<[string, boolean, number]> = [];
    const map: BoundedMap<string, number> = new BoundedMap<string, number>({
      policy: 'lru',
      max: 2,
      onEvict: (_value, key) => {
        seen.push([key, map.has(key), map.size]);
        if (key === 'a') map.set('a-again', 0); // evicts b, reported too
      },
    });
    map.set('a', 1).set('b', 2).set('c', 3);
    expect(seen).toEqual([
      ['a', false, 2],
      ['b', false, 2],
    ]);
    expect([...map.keys()]).toEqual(['c', 'a-again']);
  });

  it('a throwing onEvict does not corrupt the map: the operation completes, others are still reported, the error surfaces', () => {
    const reported: string[] = [];
    const map = new BoundedMap<string, number>({
      policy: 'lru',
      max: 2,
      onEvict: (_value, key) => {
        reported.push(key);
        if (key === 'a') throw new Error('boom');
      },
    });
    map.set('a', 1).set('b', 2);
    expect(() => map.set('c', 3)).toThrow('boom');
    expect([...map.entries()]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
    expect(map.size).toBe(2);
    map.set('d', 4);
    expect(reported).toEqual(['a', 'b']);
    expect(map.get('c')).toBe(3);
    expect(map.get('d')).toBe(4);
  });

  it('several throws during one operation surface as one AggregateError after all were reported', () => {
    let calls = 0;
    const map = new BoundedMap<number, number>({
      policy: 'lru',
      max: 10,
      onEvict: () => {
        calls++;
        throw new Error(`fail ${calls}`);
      },
    });
    for (let i = 0; i < 3; i++) map.set(i, i);
    let caught: unknown;
    try {
      map.clear();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AggregateError);
    expect((caught as AggregateError).errors).toHaveLength(3);
    expect(calls).toBe(3);
    expect(map.size).toBe(0);
    map.set(9, 9);
    expect(map.get(9)).toBe(9);
  });
});
