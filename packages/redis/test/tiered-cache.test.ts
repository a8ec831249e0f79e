import diagnostics_channel from 'node:diagnostics_channel';
import { BoundedMap } from '@leakproof/cache';
import { listPrimitives } from '@leakproof/core';
import { MemoryCache, RedisCache, TieredCache } from '@leakproof/redis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { connectRedis, expectEveryKeyHasTtl, noDeadlines, uniqueNamespace } from './setup/redis.js';
import { readIntoL1, waitFor } from './setup/wait.js';

const redis = connectRedis();
const namespaces: string[] = [];
const closers: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  for (const n of namespaces) await expectEveryKeyHasTtl(redis, n);
  await redis.quit();
});

interface Product {
  id: string;
  price: number;
}

/**
 * A shared L2 namespace and a factory of "instances": each its own TieredCache over its own
 * RedisCache (and so its own tracking connection), as separate processes would have.
 */
function fleet(label: string, l2Options: { ttl?: number } = {}) {
  const namespace = uniqueNamespace(label);
  namespaces.push(namespace);
  const tier = () => {
    const t = new RedisCache<Product>({ redis, namespace, ttl: l2Options.ttl ?? 30_000, ...noDeadlines });
    closers.push(() => t.close());
    return t;
  };
  const l2 = tier();
  const instance = async (
    options: Partial<ConstructorParameters<typeof TieredCache<Product>>[0]> = {},
    own = true,
  ) => {
    const cache = new TieredCache<Product>({ l1: { max: 100 }, l2: own ? tier() : l2, ...options });
    closers.push(() => cache.close());
    if (options.invalidation !== false) await waitFor(() => cache.l1Active, 'tracking to start');
    return cache;
  };
  return { namespace, l2, instance };
}

/** The ids of the tracking connections of a namespace (`CLIENT LIST`). */
async function trackingClientIds(namespace: string): Promise<string[]> {
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter((l) => l.includes(` name=leakproof-tracking:${namespace}:`))
    .map((l) => /\bid=(\d+)/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined);
}

describe('TieredCache reads', () => {
  it("keeps an L1 entry no longer than L1's own ttl when that is the shortest", async () => {
    const { instance } = fleet('l1-ttl');
    const clock = { time: 0, now: () => clock.time };
    const l1 = new BoundedMap<string, Product>({ max: 10, ttl: 1000, clock });
    const cache = await instance({ l1, invalidation: false });
    await cache.set('a', { id: 'a', price: 1 });
    clock.time = 999;
    expect(cache.getLocal('a')).toEqual({ id: 'a', price: 1 });
    clock.time = 1001;
    expect(cache.getLocal('a')).toBeUndefined();
    l1.dispose();
  });

  it('reads L1, then L2 (filling L1), then the loader (filling L2, and L1 at the next read)', async () => {
    const { l2, instance } = fleet('reads');
    const cache = await instance();
    const loader = vi.fn(async (id: string) => ({ id, price: 1 }));
    expect(await cache.getOrLoad('a', loader)).toEqual({ id: 'a', price: 1 });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await l2.get('a')).toEqual({ id: 'a', price: 1 });
    await readIntoL1(cache, 'a');
    expect(await cache.getOrLoad('a', loader)).toEqual({ id: 'a', price: 1 });
    expect(loader).toHaveBeenCalledTimes(1);

    await l2.set('b', { id: 'b', price: 2 });
    expect(cache.getLocal('b')).toBeUndefined();
    await readIntoL1(cache, 'b');
    expect(cache.getLocal('b')).toEqual({ id: 'b', price: 2 });
    expect(await cache.get('none')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ loads: 1, loadErrors: 0, l1Active: 1 });
    expect(cache.stats().misses).toBeGreaterThanOrEqual(2);
  });

  it('serves a value too large for L1’s byte budget from L2', async () => {
    const { instance } = fleet('too-large');
    const cache = await instance({ l1: { maxBytes: 64 } });
    const big = { id: 'x'.repeat(200), price: 1 };
    await cache.set('big', big);
    expect(await cache.get('big')).toEqual(big);
    expect(cache.getLocal('big')).toBeUndefined();
    expect(cache.stats().l2Hits).toBe(1);
  });

  it('keeps L1 entries no longer than l1MaxTtl', async () => {
    const { instance } = fleet('l1ttl');
    const clock = { time: 0, now: () => clock.time };
    const l1 = new BoundedMap<string, Product>({ max: 10, clock });
    const cache = await instance({ l1, l1MaxTtl: 30 });
    await cache.set('a', { id: 'a', price: 1 });
    await readIntoL1(cache, 'a');
    clock.time = 31;
    expect(cache.getLocal('a')).toBeUndefined();
    expect(await cache.get('a')).toEqual({ id: 'a', price: 1 }); // still in L2
    l1.dispose();
  });

  it('single-flights concurrent loads of a key in the process', async () => {
    const { instance } = fleet('flight');
    const cache = await instance();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const loader = vi.fn(async (id: string) => {
      await gate;
      return { id, price: 7 };
    });
    const all = Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad('k', loader)));
    await waitFor(() => loader.mock.calls.length > 0, 'the load to start');
    expect(cache.stats().inflight).toBe(1);
    release();
    const values = await all;
    expect(new Set(values.map((v) => v.price))).toEqual(new Set([7]));
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats().inflight).toBe(0);
  });

  it('does not cache a rejected load and leaves nothing in flight; a loader returning undefined is ERR_INVALID_RETURN_VALUE', async () => {
    const { l2, instance } = fleet('reject');
    const cache = await instance();
    await expect(cache.getOrLoad('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    expect(cache.stats()).toMatchObject({ inflight: 0, loadErrors: 1 });
    expect(await l2.has('k')).toBe(false);
    expect(await cache.getOrLoad('k', async (id) => ({ id, price: 2 }))).toEqual({ id: 'k', price: 2 });
    await expect(cache.getOrLoad('u', async () => undefined as unknown as Product)).rejects.toMatchObject({
      code: 'ERR_INVALID_RETURN_VALUE',
    });
  });

  it('an abort rejects that caller only; the load aborts when every caller has gone', async () => {
    const { instance } = fleet('abort');
    const cache = await instance();
    let loadSignal: AbortSignal | undefined;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const loader = async (id: string, { signal }: { signal: AbortSignal }) => {
      loadSignal = signal;
      await gate;
      return { id, price: 1 };
    };
    const a = new AbortController();
    const b = new AbortController();
    const first = cache.getOrLoad('k', loader, { signal: a.signal });
    const second = cache.getOrLoad('k', loader, { signal: b.signal });
    await waitFor(() => loadSignal !== undefined, 'the load to start');
    a.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(loadSignal?.aborted).toBe(false);
    b.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    expect(loadSignal?.aborted).toBe(true);
    expect(cache.stats().inflight).toBe(0);
    release();
    const already = AbortSignal.abort();
    await expect(cache.getOrLoad('k', loader, { signal: already })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('a write during a load wins: the load serves its callers but stores nothing, and the next caller starts afresh', async () => {
    for (const invalidation of [true, false]) {
      await using l2 = new MemoryCache<number>({ max: 10, ttl: 10_000 });
      await using cache = new TieredCache<number>({ l1: { max: 10 }, l2, invalidation });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const loader = vi.fn(async () => {
        await gate;
        return 1;
      });
      const loading = cache.getOrLoad('k', loader);
      await waitFor(() => loader.mock.calls.length === 1, 'the load to start');
      await cache.set('k', 2);
      // The load in flight is detached: a new caller does not join it.
      expect(await cache.getOrLoad('k', async () => 3)).toBe(2);
      release();
      expect(await loading).toBe(1);
      expect(await l2.get('k')).toBe(2);
      expect(await cache.get('k')).toBe(2);
      expect(cache.stats().inflight).toBe(0);
    }
  });

  it('a value larger than maxValueBytes written by another client is refused on read and never kept in L1', async () => {
    const { namespace, instance } = fleet('planted');
    const cache = await instance();
    const small = new RedisCache<Product>({ redis, namespace, ttl: 30_000, maxValueBytes: 64 });
    closers.push(() => small.close());
    const tiered = new TieredCache<Product>({ l1: { max: 10 }, l2: small });
    closers.push(() => tiered.close());
    await waitFor(() => tiered.l1Active, 'tracking');
    await redis.set(`${namespace}:big`, JSON.stringify({ id: 'x'.repeat(100), price: 1 }), 'PX', 30_000);
    await expect(small.get('big')).rejects.toMatchObject({ code: 'ERR_REDIS_VALUE_TOO_LARGE' });
    await expect(tiered.get('big')).rejects.toMatchObject({ code: 'ERR_REDIS_VALUE_TOO_LARGE' });
    expect(tiered.getLocal('big')).toBeUndefined();
    expect(await tiered.getOrLoad('big', (id) => ({ id, price: 2 }))).toEqual({ id: 'big', price: 2 });
    expect(tiered.getLocal('big')).toBeUndefined();
    expect(await cache.get('big')).toEqual({ id: 'big', price: 2 }); // the loader's value replaced it
  });
});

describe('TieredCache coherence through CLIENT TRACKING', () => {
  it('a write, delete or clear in one instance drops the key from every L1, its own included', async () => {
    const { instance } = fleet('inval');
    const a = await instance();
    const b = await instance();
    await a.set('p', { id: 'p', price: 1 });
    await readIntoL1(b, 'p');
    await readIntoL1(a, 'p');
    await a.set('p', { id: 'p', price: 2 });
    await waitFor(() => b.getLocal('p') === undefined && a.getLocal('p') === undefined, 'both to drop p');
    expect(await b.get('p')).toEqual({ id: 'p', price: 2 });
    expect(await a.get('p')).toEqual({ id: 'p', price: 2 });

    await readIntoL1(a, 'p');
    await b.delete('p');
    await waitFor(() => a.getLocal('p') === undefined, 'a to drop p after the delete');
    expect(await a.get('p')).toBeUndefined();

    await a.set('q', { id: 'q', price: 1 });
    await readIntoL1(b, 'q');
    await a.clear();
    await waitFor(() => b.getLocal('q') === undefined, 'b to drop everything after clear');
    expect(await b.get('q')).toBeUndefined();
  });

  it('a write by a raw client, a Lua script, or an expiry drops the key from L1', async () => {
    const { namespace, instance } = fleet('raw');
    const cache = await instance();
    await cache.set('r', { id: 'r', price: 1 });
    await readIntoL1(cache, 'r');
    await redis.set(`${namespace}:r`, JSON.stringify({ id: 'r', price: 2 }), 'PX', 30_000);
    await waitFor(() => cache.getLocal('r') === undefined, 'L1 to drop r after the raw write');
    expect(await cache.get('r')).toEqual({ id: 'r', price: 2 });

    await readIntoL1(cache, 'r');
    await redis.eval(
      "return redis.call('SET', KEYS[1], ARGV[1], 'PX', 30000)",
      1,
      `${namespace}:r`,
      JSON.stringify({ id: 'r', price: 3 }),
    );
    await waitFor(() => cache.getLocal('r') === undefined, 'L1 to drop r after the script');
    expect(await cache.get('r')).toEqual({ id: 'r', price: 3 });

    // An expiry in Redis: write a short-lived value (the write itself invalidates), get it
    // into L1 while it lives, then nothing but the expiry may drop it.
    const key = `${namespace}:e`;
    await waitFor(async () => {
      await redis.set(key, JSON.stringify({ id: 'e', price: 1 }), 'PX', 300);
      await waitFor(async () => {
        await cache.get('e');
        return cache.getLocal('e') !== undefined || (await redis.exists(key)) === 0;
      }, 'e in L1, or expired');
      return cache.getLocal('e') !== undefined;
    }, 'L1 to hold e before it expires');
    await waitFor(async () => {
      await redis.exists(key); // an access expires it at once if the active cycle has not yet
      return cache.getLocal('e') === undefined;
    }, 'L1 to drop e when it expires in Redis');
    expect(await redis.exists(key)).toBe(0);
    expect(await cache.get('e')).toBeUndefined();
  });

  it('flushes L1 the moment the tracking connection drops, reads L2 meanwhile, and resumes once back', async () => {
    const { namespace, instance } = fleet('kill');
    const a = await instance();
    const b = await instance();
    await a.set('p', { id: 'p', price: 1 });
    await readIntoL1(b, 'p');
    const ids = await trackingClientIds(namespace);
    expect(ids).toHaveLength(2);
    for (const id of ids) await redis.client('KILL', 'ID', id);
    await waitFor(() => b.stats().l1Flushes >= 1, 'b to notice the drop');
    // A write made while b may not be tracking: b must never serve the old price.
    await a.set('p', { id: 'p', price: 2 });
    expect(await b.get('p')).toEqual({ id: 'p', price: 2 });
    await waitFor(() => b.l1Active, 'b to track again');
    await readIntoL1(b, 'p');
    await a.set('p', { id: 'p', price: 3 });
    await waitFor(() => b.getLocal('p') === undefined, 'b to receive invalidations again');
    expect(await b.get('p')).toEqual({ id: 'p', price: 3 });
  });

  it('with invalidation: false, L1 is always active and takes writes at once', async () => {
    const { instance } = fleet('nobus');
    const cache = await instance({ invalidation: false });
    expect(cache.l1Active).toBe(true);
    await cache.set('a', { id: 'a', price: 1 });
    expect(cache.getLocal('a')).toEqual({ id: 'a', price: 1 });
    expect(cache.stats().invalidationsReceived).toBe(0);
  });

  it('does not put a value in L1 when an invalidation for it arrived during the L2 read', async () => {
    const { l2, instance } = fleet('race');
    const a = await instance();
    const b = await instance({}, false);
    await a.set('r', { id: 'r', price: 1 });
    // Hold b's L2 read until a's write (and its invalidation) has reached b.
    const original = l2.get.bind(l2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const spy = vi.spyOn(l2, 'get').mockImplementationOnce(async (key) => {
      const value = await original(key); // the old price
      await gate;
      return value;
    });
    const read = b.get('r');
    await waitFor(() => spy.mock.calls.length === 1, 'b to start reading');
    const received = b.stats().invalidationsReceived;
    await a.set('r', { id: 'r', price: 2 });
    await waitFor(() => b.stats().invalidationsReceived > received, 'b to receive the invalidation');
    release();
    expect(await read).toEqual({ id: 'r', price: 1 }); // it started before the write
    expect(b.getLocal('r')).toBeUndefined(); // but it was not cached
    spy.mockRestore();
    expect(await b.get('r')).toEqual({ id: 'r', price: 2 });
  });
});

describe('TieredCache lifecycle and options', () => {
  it('works over a MemoryCache L2, whose invalidations it listens to', async () => {
    await using l2 = new MemoryCache<number>({ max: 10, ttl: 10_000 });
    await using a = new TieredCache<number>({ l1: { max: 10 }, l2 });
    await using b = new TieredCache<number>({ l1: { max: 10 }, l2 });
    expect(a.l1Active).toBe(true);
    expect(await a.getOrLoad('a', () => 1)).toBe(1);
    expect(await l2.get('a')).toBe(1);
    expect(await b.get('a')).toBe(1);
    expect(b.getLocal('a')).toBe(1);
    await a.set('a', 2);
    expect(b.getLocal('a')).toBeUndefined();
    expect(await b.get('a')).toBe(2);
    expect(() => new TieredCache({ l1: { max: 10 }, l2, bus: false } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('options.bus'),
      }),
    );
  });

  it('close() rejects callers waiting on a load that ignores its signal with ERR_DISPOSED (RedisCache and MemoryCache L2)', async () => {
    const { l2 } = fleet('close-inflight');
    await using memory = new MemoryCache<Product>({ max: 10, ttl: 10_000 });
    for (const tier of [l2, memory]) {
      const cache = new TieredCache<Product>({ l1: { max: 10 }, l2: tier });
      await waitFor(() => cache.l1Active, 'tracking');
      const hung = new Promise<Product>(() => {});
      let started = false;
      const waiting = [1, 2, 3].map(() =>
        cache.getOrLoad('k', () => {
          started = true;
          return hung;
        }),
      );
      await waitFor(() => started, 'the load to start');
      await cache.close();
      for (const result of await Promise.allSettled(waiting)) {
        expect(result).toMatchObject({ status: 'rejected', reason: { code: 'ERR_DISPOSED' } });
      }
      expect(cache.stats().inflight).toBe(0);
    }
  });

  it('uses a given BoundedMap as L1 and clears (not disposes) it on close', async () => {
    const { l2 } = fleet('given-l1');
    const l1 = new BoundedMap<string, Product>({ max: 10 });
    const cache = new TieredCache<Product>({ l1, l2, invalidation: false });
    await cache.set('a', { id: 'a', price: 1 });
    expect(l1.get('a')).toEqual({ id: 'a', price: 1 });
    await cache.close();
    expect(l1.size).toBe(0);
    l1.set('still', { id: 's', price: 0 }); // not disposed
    l1.dispose();
  });

  it('validates its options, naming them options.x', async () => {
    const { l2 } = fleet('opts');
    expect(() => new TieredCache({ l1: { max: 10 }, l2: undefined as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.l2'),
      }),
    );
    expect(() => new TieredCache({ l1: {} as never, l2, invalidation: false })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new TieredCache({ l1: { max: 10 }, l2, l1MaxTtl: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new TieredCache({ l1: { max: 10 }, l2, invalidation: 'yes' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new TieredCache({ l1: { max: 10 }, l2, l1MaxTTL: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(
      () =>
        new TieredCache({
          l1: { max: 10 },
          l2: { ...l2, get: l2.get, set: l2.set, delete: l2.delete, invalidations: undefined },
          invalidation: true,
        } as never),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    const cache = new TieredCache({ l1: { max: 10 }, l2, invalidation: false });
    await expect(cache.get(1 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(cache.getOrLoad('a', 'nope' as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(cache.set('a', { id: 'a', price: 1 }, { ttl: -1 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
    await cache.close();
  });

  it('registers itself, closes idempotently, closes the tracking connection with the last listener and rejects calls after', async () => {
    const { namespace, instance } = fleet('close');
    const cache = await instance({ name: 'tiered-close' });
    expect(listPrimitives({ kind: 'tiered-cache' }).map((p) => p.name)).toContain('tiered-close');
    expect(await trackingClientIds(namespace)).toHaveLength(1);
    await Promise.all([cache.close(), cache.close()]);
    await cache[Symbol.asyncDispose]();
    expect(listPrimitives({ kind: 'tiered-cache' }).map((p) => p.name)).not.toContain('tiered-close');
    await waitFor(async () => (await trackingClientIds(namespace)).length === 0, 'the tracker to close');
    await expect(cache.get('a')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    await expect(cache.set('a', { id: 'a', price: 1 })).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
  });
});

describe('TieredCache diagnostics', () => {
  it('publishes hits per tier, misses, invalidations received and tracking state', async () => {
    const { namespace } = fleet('diag');
    const events: Array<[string, Record<string, unknown>]> = [];
    const names = ['hit', 'miss', 'invalidation-received', 'tracking'];
    const listeners = names.map((event) => {
      const listener = (message: unknown) => events.push([event, message as Record<string, unknown>]);
      diagnostics_channel.subscribe(`leakproof:redis:${event}`, listener);
      return () => diagnostics_channel.unsubscribe(`leakproof:redis:${event}`, listener);
    });
    try {
      const l2 = new RedisCache<Product>({ redis, namespace, ttl: 30_000, name: 'diag-l2' });
      closers.push(() => l2.close());
      const b = new TieredCache<Product>({ l1: { max: 10 }, l2, name: 'diag-b' });
      closers.push(() => b.close());
      await waitFor(() => b.l1Active, 'tracking');
      await b.set('k', { id: 'k', price: 1 });
      await waitFor(
        () => events.some(([e, m]) => e === 'invalidation-received' && m.name === 'diag-l2'),
        'the invalidation',
      );
      await readIntoL1(b, 'k');
      await b.get('k');
      await b.get('none');
      expect(events).toContainEqual(['tracking', expect.objectContaining({ name: 'diag-l2', state: 'up' })]);
      expect(events).toContainEqual(['invalidation-received', { name: 'diag-l2', keys: ['k'] }]);
      expect(events).toContainEqual(['hit', { name: 'diag-b', tier: 'l2', key: 'k' }]);
      expect(events).toContainEqual(['hit', { name: 'diag-b', tier: 'l1', key: 'k' }]);
      expect(events).toContainEqual(['miss', { name: 'diag-b', key: 'none' }]);
    } finally {
      for (const off of listeners) off();
    }
  });
});
