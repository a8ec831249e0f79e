import diagnostics_channel from 'node:diagnostics_channel';
import { BoundedMap, BoundedSet, memoize } from '@leakproof/cache';
import { listPrimitives } from '@leakproof/core';
import { describe, expect, it } from 'vitest';

describe('registry, stats, diagnostics, dispose', () => {
  it('registers as a cache with stats (bytes and size) and a working compact', () => {
    const map = new BoundedMap<number, number>({ policy: 'lru', max: 100, name: 'products' });
    for (let i = 0; i < 10; i++) map.set(i, i);
    const info = listPrimitives({ kind: 'cache' }).find((p) => p.name === 'products');
    expect(info?.stats).toMatchObject({ size: 10, bytes: 0, max: 100 });
    info?.compact?.(0.5);
    expect(map.size).toBe(5);
    expect([...map.keys()]).toEqual([5, 6, 7, 8, 9]);
    map.dispose();
    expect(listPrimitives({ kind: 'cache' }).find((p) => p.name === 'products')).toBeUndefined();
  });

  it('stats are plain numbers', () => {
    const map = new BoundedMap<string, string>({ policy: 'lru', maxBytes: 1000 });
    map.set('a', 'b');
    map.get('a');
    map.get('x');
    const stats = map.stats();
    for (const value of Object.values(stats)) expect(typeof value).toBe('number');
    expect(stats).toMatchObject({ hits: 1, misses: 1, sets: 1, size: 1, max: 0, maxBytes: 1000 });
    expect(stats.bytes).toBeGreaterThan(0);
    map.dispose();
  });

  it('compact rounds up, evicts least recently used first, and clears with fraction 1', () => {
    const map = new BoundedMap<number, number>({ policy: 'lru', max: 10 });
    for (let i = 0; i < 3; i++) map.set(i, i);
    expect(map.compact(0.1)).toBe(1);
    expect([...map.keys()]).toEqual([1, 2]);
    expect(map.compact(0)).toBe(0);
    expect(map.compact(1)).toBe(2);
    expect(map.size).toBe(0);
    expect(map.stats().evictions).toBe(3);
  });

  it('publishes evictions on leakproof:cache:evict', () => {
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    diagnostics_channel.subscribe('leakproof:cache:evict', listener);
    try {
      const map = new BoundedMap<string, number>({ policy: 'lru', max: 1, name: 'dc' });
      map.set('a', 1).set('b', 2);
      expect(messages).toEqual([{ name: 'dc', key: 'a', reason: 'evict' }]);
    } finally {
      diagnostics_channel.unsubscribe('leakproof:cache:evict', listener);
    }
  });

  it('publishes loads, load errors and dispose', async () => {
    const seen: Array<[string, unknown]> = [];
    const names = ['leakproof:cache:load', 'leakproof:cache:load-error', 'leakproof:cache:dispose'];
    const listeners = names.map((channel) => {
      const listener = (message: unknown) => seen.push([channel, message]);
      diagnostics_channel.subscribe(channel, listener);
      return () => diagnostics_channel.unsubscribe(channel, listener);
    });
    try {
      const map = new BoundedMap<string, number>({ policy: 'lru', max: 2, name: 'dc-load' });
      await map.getOrLoad('a', () => 1);
      const error = new Error('down');
      await expect(map.getOrLoad('b', () => Promise.reject(error))).rejects.toBe(error);
      map.dispose();
      expect(seen).toEqual([
        ['leakproof:cache:load', { name: 'dc-load', key: 'a' }],
        ['leakproof:cache:load', { name: 'dc-load', key: 'b' }],
        ['leakproof:cache:load-error', { name: 'dc-load', key: 'b', error }],
        ['leakproof:cache:dispose', { name: 'dc-load' }],
      ]);
    } finally {
      for (const off of listeners) off();
    }
  });

  it('dispose clears (reason clear), unregisters, is idempotent, and refuses later writes', () => {
    const reasons: string[] = [];
    const map = new BoundedMap<string, number>({
      policy: 'lru',
      max: 5,
      ttl: 60_000,
      onEvict: (_v, _k, r) => reasons.push(r),
    });
    map.set('a', 1);
    {
      using scoped = map;
      expect(scoped.size).toBe(1);
    }
    expect(reasons).toEqual(['clear']);
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
    map.dispose();
    expect(() => map.set('b', 2)).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  });

  // The registry and the sweep timer must hold a cache weakly: one nobody disposed is collectable.
  it.each([
    ['a BoundedMap', () => new BoundedMap<string, number>({ policy: 'lru', max: 5 })],
    [
      'a BoundedMap with a running sweep and onEvict',
      () => new BoundedMap({ policy: 'lru', max: 5, ttl: 60_000, onEvict() {} }).set('a', 1),
    ],
    [
      'a BoundedSet with a running sweep',
      () => new BoundedSet<string>({ policy: 'lru', max: 5, ttl: 60_000 }).add('a'),
    ],
    ['a memoize cache', () => memoize((x: number) => x, { max: 5, ttl: 60_000 }).cache],
  ])('%s that nobody disposed can be garbage-collected', async (_, make) => {
    let target: object | undefined = make();
    const ref = new WeakRef(target);
    target = undefined;
    let collected = false;
    for (let i = 0; i < 50 && !collected; i++) {
      // A WeakRef target lives to the end of the job that deref'd it: collect after a timer turn.
      await new Promise((r) => setTimeout(r, 0));
      (globalThis.gc as () => void)();
      collected = ref.deref() === undefined;
    }
    expect(collected).toBe(true);
  });
});
