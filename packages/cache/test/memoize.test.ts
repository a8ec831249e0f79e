import { BoundedMap, memoize } from '@leakproof/cache';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('memoize', () => {
  it('caches results, bounded like lru_cache(maxsize)', () => {
    let calls = 0;
    const square = memoize(
      (n: number) => {
        calls++;
        return n * n;
      },
      { max: 2, policy: 'lru' },
    );
    expect(square(3)).toBe(9);
    expect(square(3)).toBe(9);
    expect(calls).toBe(1);
    square(4);
    square(5); // evicts 3
    expect(square.cache.size).toBe(2);
    square(3);
    expect(calls).toBe(4);
    expect(square.cache).toBeInstanceOf(BoundedMap);
    expect(square.cache.stats()).toMatchObject({ hits: 1, misses: 4 });
    expect(square.name).toBe('');
    expectTypeOf(square).toBeCallableWith(1);
    expectTypeOf(square(1)).toEqualTypeOf<number>();
  });

  it('caches undefined results and keeps this, name and length', () => {
    let calls = 0;
    const obj = {
      factor: 2,
      nothing: memoize(
        function named(this: { factor: number }, _x: number) {
          calls++;
          return this.factor === 2 ? undefined : 1;
        },
        { max: 5 },
      ),
    };
    expect(obj.nothing(1)).toBeUndefined();
    expect(obj.nothing(1)).toBeUndefined();
    expect(calls).toBe(1);
    expect(obj.nothing.name).toBe('named');
    expect(obj.nothing.length).toBe(1);
    expect(obj.nothing.cache.name).toBe('memoize(named)');
  });

  it('default keys: one argument by SameValueZero, several primitives by value, none as one key', () => {
    let calls = 0;
    const f = memoize(
      (...args: unknown[]) => {
        calls++;
        return args.length;
      },
      { max: 100 },
    );
    f();
    f();
    f('1', 2);
    f('1', 2);
    f(1, 2); // not the same as '1', 2
    f('1,2');
    f(null, undefined);
    f(null, undefined);
    f(1n, true);
    expect(calls).toBe(6);
    expect(() => f({}, 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });

  it('a custom key', () => {
    let calls = 0;
    const byId = memoize(
      (user: { id: number; name: string }) => {
        calls++;
        return user.name.toUpperCase();
      },
      { max: 10, key: (user) => user.id },
    );
    byId({ id: 1, name: 'ann' });
    expect(byId({ id: 1, name: 'other object' })).toBe('ANN');
    expect(calls).toBe(1);
  });

  it('deduplicates promises in flight and caches the resolved promise', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const load = memoize(
      async (id: string) => {
        calls++;
        await gate;
        return `value-${id}`;
      },
      { max: 10 },
    );
    const a = load('x');
    const b = load('x');
    expect(a).toBe(b);
    release();
    expect(await a).toBe('value-x');
    expect(await load('x')).toBe('value-x');
    expect(calls).toBe(1);
    expect(load.cache.size).toBe(1);
    expectTypeOf(load('x')).toEqualTypeOf<Promise<string>>();
  });

  it('never caches rejections or throws', async () => {
    let calls = 0;
    const flaky = memoize(
      async (n: number) => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return n;
      },
      { max: 10 },
    );
    await expect(flaky(1)).rejects.toThrow('first call fails');
    expect(flaky.cache.size).toBe(0);
    expect(await flaky(1)).toBe(1);
    let syncCalls = 0;
    const throwing = memoize(
      (n: number) => {
        syncCalls++;
        if (syncCalls === 1) throw new Error('sync');
        return n;
      },
      { max: 10 },
    );
    expect(() => throwing(1)).toThrow('sync');
    expect(throwing(1)).toBe(1);
  });

  it('a delete or clear during a call in flight keeps its stale result out', async () => {
    let n = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const load = memoize(
      async () => {
        const mine = ++n;
        await gate;
        return mine;
      },
      { max: 10 },
    );
    const first = load();
    load.cache.clear();
    const second = load();
    release();
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    expect(await load()).toBe(2);
  });

  it('sizes promises by their resolved value under maxBytes', async () => {
    const load = memoize(async (n: number) => 'x'.repeat(n), { maxBytes: 1000 });
    await load(100);
    await load(200);
    expect(load.cache.stats().bytes).toBeGreaterThan(600);
    await expect(load(2000)).rejects.toMatchObject({ code: 'ERR_CACHE_ENTRY_TOO_LARGE' });
  });

  it('ttl', () => {
    const clock = { time: 0, now: () => clock.time };
    let calls = 0;
    const f = memoize(() => ++calls, { max: 1, ttl: 10, clock });
    f();
    clock.time = 5;
    expect(f()).toBe(1);
    clock.time = 11;
    expect(f()).toBe(2);
  });

  it('validates its arguments', () => {
    expect(() => memoize(5 as never, { max: 1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => memoize(() => 1, {} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => memoize(() => 1, { max: 1, key: 'id' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => memoize(() => 1, { max: 1, sizeOf: 'id' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    // @ts-expect-error: options are required (a bound is)
    // No options: no default bound, the same error as options without one.
    expect(() => memoize(() => 1)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
  });
});
