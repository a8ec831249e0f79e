import { BoundedMap } from '@leakproof/cache';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('BoundedMap behaves as a Map within its bound', () => {
  it('set returns the map and get/has/delete/size follow Map semantics', () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    expect(map.set('a', 1)).toBe(map);
    map.set('b', 2).set('a', 3);
    expect(map.get('a')).toBe(3);
    expect(map.get('zzz')).toBeUndefined();
    expect(map.has('b')).toBe(true);
    expect(map.size).toBe(2);
    expect(map.delete('b')).toBe(true);
    expect(map.delete('b')).toBe(false);
    expect(map.size).toBe(1);
    map.clear();
    expect(map.size).toBe(0);
    expect([...map]).toEqual([]);
  });

  it('stores undefined as a value (lru-cache would delete the key)', () => {
    const map = new BoundedMap<string, number | undefined>({ max: 3 });
    map.set('u', undefined);
    expect(map.has('u')).toBe(true);
    expect(map.size).toBe(1);
    expect(map.get('u')).toBeUndefined();
    expect([...map.entries()]).toEqual([['u', undefined]]);
    map.set('u', 1);
    map.set('u', undefined);
    expect(map.has('u')).toBe(true);
  });

  it('accepts undefined, null, NaN and object keys like a Map', () => {
    const map = new BoundedMap<unknown, string>({ max: 10 });
    const obj = {};
    map.set(undefined, 'undef').set(null, 'null').set(Number.NaN, 'nan').set(obj, 'obj').set(-0, 'zero');
    expect(map.get(undefined)).toBe('undef');
    expect(map.get(null)).toBe('null');
    expect(map.get(Number.NaN)).toBe('nan');
    expect(map.get(obj)).toBe('obj');
    expect(map.get(0)).toBe('zero');
    const keys = [...map.keys()];
    expect(keys).toEqual([undefined, null, Number.NaN, obj, 0]);
    expect(Object.is(keys[4], 0)).toBe(true); // -0 is stored as +0, as a Map stores it
    expect(map.delete(undefined)).toBe(true);
    expect(map.has(undefined)).toBe(false);
  });

  it("policy 'lru' evicts the least recently used entry past max; get refreshes recency, has and peek do not", () => {
    const map = new BoundedMap<string, number>({ max: 3, policy: 'lru' });
    map.set('a', 1).set('b', 2).set('c', 3);
    map.get('a'); // a is now most recent
    map.has('b');
    map.peek('b');
    map.set('d', 4); // evicts b
    expect([...map.keys()]).toEqual(['a', 'c', 'd']); // insertion order, as a Map's
    expect(map.has('b')).toBe(false);
    expect(map.size).toBe(3);
  });

  it('iterates in insertion order, in every iteration method, without changing recency', () => {
    const map = new BoundedMap<string, number>({ max: 4, policy: 'lru' });
    map.set('a', 1).set('b', 2).set('c', 3);
    map.get('a');
    map.set('b', 2); // a re-set keeps its place, as in a Map
    const order = ['a', 'b', 'c'];
    expect([...map.keys()]).toEqual(order);
    expect([...map.values()]).toEqual([1, 2, 3]);
    expect([...map.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect([...map]).toEqual([...map.entries()]);
    const seen: string[] = [];
    const self: unknown[] = [];
    map.forEach(function (this: unknown, value, key, m) {
      seen.push(`${key}=${value}`);
      self.push(this, m === map);
    }, 'ctx');
    expect(seen).toEqual(['a=1', 'b=2', 'c=3']);
    // (Not toEqual against the map: comparing a Map calls its get, an access.)
    expect(self).toEqual(['ctx', true, 'ctx', true, 'ctx', true]);
    // None of that touched recency: c is the least recently used, the first to go.
    map.set('d', 4).set('e', 5);
    expect(map.has('c')).toBe(false);
    expect([...map.keys()]).toEqual(['a', 'b', 'd', 'e']);
  });

  it('survives mutation during iteration: get and delete inside the loop visit every key once', () => {
    const map = new BoundedMap<number, number>({ max: 100 });
    for (let i = 0; i < 10; i++) map.set(i, i);
    const visited: number[] = [];
    for (const [key] of map) {
      visited.push(key);
      map.get(key);
      if (key % 2 === 0) map.delete(key + 1);
    }
    expect(visited).toEqual([0, 2, 4, 6, 8]);
    expect(map.size).toBe(5);
  });

  it('is a Map for TypeScript, instanceof and Object.prototype.toString', () => {
    const map = new BoundedMap<string, number>({ max: 2 });
    const asMap: Map<string, number> = map;
    expectTypeOf(map).toMatchTypeOf<Map<string, number>>();
    expectTypeOf(map.set('a', 1)).toEqualTypeOf<BoundedMap<string, number>>();
    expectTypeOf(map.get('a')).toEqualTypeOf<number | undefined>();
    expectTypeOf(map.getOrLoad('a', async () => 1)).toEqualTypeOf<Promise<number>>();
    const takesMap = (m: ReadonlyMap<string, number>) => m.size;
    expect(takesMap(asMap)).toBe(1);
    expect(Object.prototype.toString.call(map)).toBe('[object Map]');
    expect(map instanceof Map).toBe(true);
  });
});
