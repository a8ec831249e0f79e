import assert from 'node:assert';
import { inspect, types } from 'node:util';
import v8 from 'node:v8';
import { BoundedMap, BoundedSet } from '@leakproof/cache';
import { describe, expect, it } from 'vitest';

const MapGet = Map.prototype.get;
const MapSet = Map.prototype.set;

describe('a BoundedMap is a Map (its entries in the Map’s own storage)', () => {
  it('instanceof, util.types.isMap and Object.prototype.toString say Map', () => {
    const map = new BoundedMap<string, number>({ max: 2 });
    expect(map).toBeInstanceOf(Map);
    expect(types.isMap(map)).toBe(true);
    expect(Object.prototype.toString.call(map)).toBe('[object Map]');
    const set = new BoundedSet<string>({ max: 2 });
    expect(set).toBeInstanceOf(Set);
    expect(types.isSet(set)).toBe(true);
  });

  it('structuredClone and v8.serialize copy exactly the live entries', () => {
    const map = new BoundedMap<string, { n: number }>([['a', { n: 1 }]], { max: 2, policy: 'lru' });
    map.set('b', { n: 2 }).set('c', { n: 3 }); // a is evicted
    const clone = structuredClone(map);
    expect(clone).toBeInstanceOf(Map);
    expect([...clone]).toEqual([
      ['b', { n: 2 }],
      ['c', { n: 3 }],
    ]);
    expect([...(v8.deserialize(v8.serialize(map)) as Map<string, unknown>)]).toEqual([...clone]);
    const set = new BoundedSet<number>([1, 2, 3], { max: 2, policy: 'lru' });
    expect([...structuredClone(set)]).toEqual([2, 3]);
  });

  it('util.inspect shows the entries', () => {
    const map = new BoundedMap<string, number>([['a', 1]], { max: 5 });
    expect(inspect(map)).toContain("'a' => 1");
    expect(inspect(new BoundedSet(['x'], { max: 5 }))).toContain("'x'");
  });

  it('assert.deepEqual compares entries; deepStrictEqual too between BoundedMaps, whatever their names', () => {
    const a = new BoundedMap<string, number>([['k', 1]], { max: 5, name: 'a' });
    const b = new BoundedMap<string, number>([['k', 1]], { max: 5, name: 'b' });
    const c = new BoundedMap<string, number>([['k', 2]], { max: 5, name: 'a' });
    assert.deepEqual(a, new Map([['k', 1]]));
    assert.deepStrictEqual(a, b);
    assert.throws(() => assert.deepStrictEqual(a, c));
    assert.throws(() => assert.deepEqual(a, new Map([['k', 2]])));
    // Strict mode also compares prototypes: a BoundedMap is not strictly equal to a plain Map.
    assert.throws(() => assert.deepStrictEqual(a, new Map([['k', 1]])));
  });

  it('takes entries like a Map: new BoundedMap(iterable, options), and options alone', () => {
    const map = new BoundedMap(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
      { max: 10 },
    );
    expect([...map]).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(new BoundedMap(null, { max: 1 }).size).toBe(0);
    expect(new BoundedMap(undefined, { max: 1 }).size).toBe(0);
    expect(new BoundedMap({ max: 1 }).size).toBe(0);
    // More entries than the bound: the bound wins.
    expect(
      new BoundedMap(
        [...Array(10).keys()].map((i) => [i, i] as const),
        { max: 3 },
      ).size,
    ).toBe(3);
    expect(() => new BoundedMap([5] as never, { max: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('stores -0 as +0, as a Map does', () => {
    const map = new BoundedMap<number, string>({ max: 3 });
    map.set(-0, 'zero');
    const [key] = map.keys();
    expect(Object.is(key, 0)).toBe(true);
    expect(map.get(0)).toBe('zero');
    const set = new BoundedSet<number>({ max: 3 }).add(-0);
    expect(Object.is([...set][0], 0)).toBe(true);
  });

  it('ignores extra positional arguments that are not plain objects, as Map and Set do', () => {
    const set = new BoundedSet<string>({ max: 5 });
    ['a', 'b'].forEach(set.add as (value: string) => void, set);
    expect([...set]).toEqual(['a', 'b']);
    const map = new BoundedMap<string, number>({ max: 5 });
    map.set('k', 1, 3 as never);
    new Map([['m', 2]]).forEach(map.set as never, map);
    expect([...map]).toEqual([
      ['k', 1],
      [2, 'm'],
    ]);
  });

  it('iterates with native iterators; [Symbol.iterator] is entries (Set: values, as keys is)', () => {
    const map = new BoundedMap<string, number>([['a', 1]], { max: 5 });
    expect(map[Symbol.iterator]).toBe(map.entries);
    const iterator = map.entries();
    expect(Object.prototype.toString.call(iterator)).toBe('[object Map Iterator]');
    expect(Object.getPrototypeOf(iterator)).toBe(Object.getPrototypeOf(new Map().entries()));
    expect(iterator.next.length).toBe(0);
    const set = new BoundedSet<string>(['a'], { max: 5 });
    expect(set[Symbol.iterator]).toBe(set.values);
    expect(set.keys).toBe(set.values);
    expect(Object.prototype.toString.call(set.values())).toBe('[object Set Iterator]');
  });

  it('iteration is live: keys added during for…of are visited', () => {
    const map = new BoundedMap<number, number>([[0, 0]], { max: 100 });
    const seen: number[] = [];
    for (const [key] of map) {
      seen.push(key);
      if (key < 4) map.set(key + 1, key + 1);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('re-set keeps a key in its insertion place, as in a Map', () => {
    const map = new BoundedMap<string, number>({ max: 5 });
    map.set('a', 1).set('b', 2).set('a', 3);
    expect([...map.keys()]).toEqual(['a', 'b']);
    const set = new BoundedSet<string>({ max: 5 });
    set.add('a').add('b').add('a');
    expect([...set]).toEqual(['a', 'b']);
  });

  it('Map.prototype.get.call reads around the bookkeeping; Map.prototype.set.call cannot break the bound', () => {
    const map = new BoundedMap<number, number>({ max: 3, policy: 'lru' });
    map.set(1, 1);
    expect(MapGet.call(map, 1)).toBe(1); // a read that is not an access
    for (let i = 10; i < 20; i++) MapSet.call(map, i, i); // writes around the bookkeeping
    expect(map.size).toBe(3); // adopted and evicted at the next call of the map's own
    map.set(2, 2);
    expect(map.size).toBe(3);
    expect(map.has(2)).toBe(true);
    expect(map.stats().size).toBe(3);
  });
});

describe('BoundedSet has the ES2025 Set methods, returning plain Sets', () => {
  const bounded = () => new BoundedSet<number>([1, 2, 3, 4], { max: 10 });
  const other = new Set([3, 4, 5]);

  it.each([
    ['union', [1, 2, 3, 4, 5]],
    ['intersection', [3, 4]],
    ['difference', [1, 2]],
    ['symmetricDifference', [1, 2, 5]],
  ] as const)('%s', (method, expected) => {
    const result = bounded()[method](other);
    expect(Object.getPrototypeOf(result)).toBe(Set.prototype);
    expect([...result].sort()).toEqual(expected);
    // Set-likes work too: a Map's keys, another BoundedSet.
    const mapLike = new Map([...other].map((v) => [v, true]));
    expect([...bounded()[method](mapLike)].sort()).toEqual(expected);
    expect([...bounded()[method](new BoundedSet(other, { max: 10 }))].sort()).toEqual(expected);
  });

  it('isSubsetOf, isSupersetOf, isDisjointFrom', () => {
    expect(bounded().isSubsetOf(new Set([1, 2, 3, 4, 5]))).toBe(true);
    expect(bounded().isSubsetOf(other)).toBe(false);
    expect(bounded().isSupersetOf(new Set([1, 2]))).toBe(true);
    expect(bounded().isSupersetOf(other)).toBe(false);
    expect(bounded().isDisjointFrom(new Set([7]))).toBe(true);
    expect(bounded().isDisjointFrom(other)).toBe(false);
  });

  it('rejects a non-set-like argument as Set does', () => {
    expect(() => bounded().union([1] as never)).toThrow(TypeError);
  });
});

describe('options are checked', () => {
  it.each([
    ['maxSize', 'maxBytes'],
    ['sizeCalculation', 'sizeOf'],
    ['dispose', 'onEvict'],
    ['fetchMethod', 'getOrLoad'],
    ['ttlAutopurge', 'not needed'],
    ['allowStale', 'not needed'],
  ])("lru-cache's %s is rejected with a hint naming %s", (name, hint) => {
    const call = () => new BoundedMap({ max: 2, [name]: 1 } as never);
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(call).toThrow(new RegExp(`options\\.${name}[\\s\\S]*${hint}`));
  });

  it('an unknown name is rejected, for BoundedSet and memoize too', () => {
    expect(() => new BoundedMap({ max: 2, mxa: 1 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new BoundedSet({ max: 2, maxSize: 1 } as never)).toThrow(/maxBytes/);
  });

  it('policy must be lru or tinylfu', () => {
    expect(() => new BoundedMap({ max: 2, policy: 'lfu' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});
