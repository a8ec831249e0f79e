import diagnostics_channel from 'node:diagnostics_channel';
import { BoundedMap } from '@leakproof/cache';
import { listPrimitives } from '@leakproof/core';
import { MemoryCache, RedisCache, TieredCache } from '@leakproof/redis';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { connectRedis, expectEveryKeyHasTtl, uniqueNamespace } from './setup/redis.js';
import { waitFor } from './setup/wait.js';

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

/** A shared L2 namespace and a factory of "instances" (each its own TieredCache with its own bus id). */
function fleet(label: string, l2Options: { ttl?: number } = {}) {
  const namespace = uniqueNamespace(label);
  namespaces.push(namespace);
  const l2 = new RedisCache<Product>({ redis, namespace, ttl: l2Options.ttl ?? 30_000 });
  closers.push(() => l2.close());
  const instance = async (options: Partial<ConstructorParameters<typeof TieredCache<Product>>[0]> = {}) => {
    const cache = new TieredCache<Product>({ l1: { max: 100 }, l2, ...options });
    closers.push(() => cache.close());
    if (options.bus !== false) await waitFor(() => cache.l1Active, 'the bus subscription');
    return cache;
  };
  return { namespace, l2, instance };
}

async function subscriberClientId(namespace: string, instanceId: string): Promise<string> {
  const list = (await redis.client('LIST')) as string;
  const line = list
    .split('\n')
    .find((l) => l.includes(` name=leakproof-bus:${namespace}:__invalidate:${instanceId} `));
  const id = line === undefined ? undefined : /\bid=(\d+)/.exec(line)?.[1];
  if (id === undefined) throw new Error(`no subscriber connection for ${namespace}`);
  return id;
}

describe('TieredCache reads', () => {
  it("keeps an L1 entry no longer than L1's own ttl when that is the shortest", async () => {
    const { instance } = fleet('l1-ttl');
    const clock = { time: 0, now: () => clock.time };
    const l1 = new BoundedMap<string, Product>({ max: 10, ttl: 1000, clock });
    const cache = await instance({ l1, bus: false });
    await cache.set('a', { id: 'a', price: 1 });
    clock.time = 999;
    expect(cache.getLocal('a')).toEqual({ id: 'a', price: 1 });
    clock.time = 1001;
    expect(cache.getLocal('a')).toBeUndefined();
    l1.dispose();
  });

  it('reads L1, then L2 (filling L1), then the loader (filling both)', async () => {
    const { l2, instance } = fleet('reads');
    const cache = await instance();
    const loader = vi.fn(async (id: string) => ({ id, price: 1 }));
    expect(await cache.getOrLoad('a', loader)).toEqual({ id: 'a', price: 1 });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await l2.get('a')).toEqual({ id: 'a', price: 1 });
    expect(cache.getLocal('a')).toEqual({ id: 'a', price: 1 });
    await cache.getOrLoad('a', loader);
    expect(loader).toHaveBeenCalledTimes(1);

    await l2.set('b', { id: 'b', price: 2 });
    expect(cache.getLocal('b')).toBeUndefined();
    expect(await cache.get('b')).toEqual({ id: 'b', price: 2 });
    expect(cache.getLocal('b')).toEqual({ id: 'b', price: 2 });
    expect(await cache.get('none')).toBeUndefined();
    expect(cache.stats()).toMatchObject({
      l1Hits: 3,
      l2Hits: 1,
      misses: 2,
      loads: 1,
      loadErrors: 0,
      l1Active: 1,
    });
  });

  it('serves a value too large for L1’s byte budget from L2', async () => {
    const { instance } = fleet('too-large');
    const cache = await instance({ l1: { maxBytes: 64 } });
    const big = { id: 'x'.repeat(200), price: 1 };
    await cache.set('big', big);
    expect(cache.getLocal('big')).toBeUndefined();
    expect(await cache.get('big')).toEqual(big);
    expect(cache.stats().l2Hits).toBe(1);
  });

  it('keeps L1 entries no longer than l1MaxTtl', async () => {
    const { instance } = fleet('l1ttl');
    const cache = await instance({ l1MaxTtl: 30 });
    await cache.set('a', { id: 'a', price: 1 });
    expect(cache.getLocal('a')).toBeDefined();
    await new Promise((r) => setTimeout(r, 80));
    expect(cache.getLocal('a')).toBeUndefined();
    expect(await cache.get('a')).toEqual({ id: 'a', price: 1 }); // still in L2
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

  it('does not cache a rejected load and leaves nothing in flight', async () => {
    const { l2, instance } = fleet('reject');
    const cache = await instance();
    await expect(cache.getOrLoad('k', async () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    expect(cache.stats()).toMatchObject({ inflight: 0, loadErrors: 1 });
    expect(await l2.has('k')).toBe(false);
    expect(await cache.getOrLoad('k', async (id) => ({ id, price: 2 }))).toEqual({ id: 'k', price: 2 });
    await expect(cache.getOrLoad('u', async () => undefined as unknown as Product)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
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
});

describe('TieredCache invalidation across instances', () => {
  it('a write in one instance drops the key from the other’s L1, and an instance ignores its own messages', async () => {
    const { instance } = fleet('inval');
    const a = await instance();
    const b = await instance();
    expect(a.instanceId).not.toBe(b.instanceId);
    await a.set('p', { id: 'p', price: 1 });
    // A read racing the write's own invalidation is (rightly) not cached: let it arrive first.
    await waitFor(() => b.stats().invalidationsReceived === 1, 'b to receive the first invalidation');
    expect(await b.get('p')).toEqual({ id: 'p', price: 1 });
    expect(b.getLocal('p')).toEqual({ id: 'p', price: 1 });
    await a.set('p', { id: 'p', price: 2 });
    await waitFor(() => b.getLocal('p') === undefined, 'b to drop p');
    expect(await b.get('p')).toEqual({ id: 'p', price: 2 });
    expect(a.getLocal('p')).toEqual({ id: 'p', price: 2 });
    expect(a.stats().invalidationsReceived).toBe(0);
    expect(b.stats().invalidationsReceived).toBeGreaterThanOrEqual(2);

    await b.delete('p');
    await waitFor(() => a.getLocal('p') === undefined, 'a to drop p after the delete');
    expect(await a.get('p')).toBeUndefined();

    await a.set('q', { id: 'q', price: 1 });
    await b.get('q');
    await a.clear();
    await waitFor(() => b.getLocal('q') === undefined, 'b to drop everything after clear');
    expect(await b.get('q')).toBeUndefined();
  });

  it('flushes L1 the moment the subscriber connection drops, reads L2 meanwhile, and resumes once resubscribed', async () => {
    const { namespace, instance } = fleet('kill');
    const a = await instance();
    const b = await instance();
    await a.set('p', { id: 'p', price: 1 });
    await waitFor(() => b.stats().invalidationsReceived === 1, 'b to receive the first invalidation');
    await b.get('p');
    expect(b.getLocal('p')).toBeDefined();

    const id = await subscriberClientId(namespace, b.instanceId!);
    await redis.client('KILL', 'ID', id);
    await waitFor(() => b.stats().l1Flushes === 1, 'b to notice the drop');
    expect(b.getLocal('p')).toBeUndefined();
    expect(b.stats()).toMatchObject({ l1Flushes: 1, l1Size: 0 });
    // A write made while b may not be subscribed: b must never serve the old price.
    await a.set('p', { id: 'p', price: 2 });
    expect(await b.get('p')).toEqual({ id: 'p', price: 2 });
    await waitFor(() => b.l1Active, 'b to resubscribe');
    expect(await b.get('p')).toEqual({ id: 'p', price: 2 });
    await a.set('p', { id: 'p', price: 3 });
    await waitFor(() => b.getLocal('p') === undefined, 'b to receive invalidations again');
    expect(await b.get('p')).toEqual({ id: 'p', price: 3 });
  });

  it('subscribes on the caller’s own connection and leaves it open', async () => {
    const { instance } = fleet('own-sub');
    const subscriber: Redis = redis.duplicate();
    subscriber.on('error', () => {});
    const a = await instance();
    const b = await instance({ bus: { subscriber } });
    await b.get('x');
    await a.set('x', { id: 'x', price: 1 });
    await b.get('x');
    await a.set('x', { id: 'x', price: 2 });
    await waitFor(() => b.getLocal('x') === undefined, 'b to drop x');
    await b.close();
    expect(subscriber.status).toBe('ready');
    await subscriber.quit();
  });

  it('with bus: false, L1 is always active and no messages are sent', async () => {
    const { instance } = fleet('nobus');
    const cache = await instance({ bus: false });
    expect(cache.l1Active).toBe(true);
    expect(cache.instanceId).toBeUndefined();
    await cache.set('a', { id: 'a', price: 1 });
    expect(cache.stats().invalidationsSent).toBe(0);
  });

  it('does not put a value in L1 when an invalidation for it arrived during the L2 read', async () => {
    const { l2, instance } = fleet('race');
    const a = await instance();
    const b = await instance();
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
  it('works over a MemoryCache L2 without a bus', async () => {
    await using l2 = new MemoryCache<number>({ max: 10, ttl: 10_000 });
    await using cache = new TieredCache<number>({ l1: { max: 10 }, l2 });
    expect(cache.l1Active).toBe(true);
    expect(await cache.getOrLoad('a', () => 1)).toBe(1);
    expect(await l2.get('a')).toBe(1);
    expect(() => new TieredCache({ l1: { max: 10 }, l2, bus: {} })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('uses a given BoundedMap as L1 and clears (not disposes) it on close', async () => {
    const { l2 } = fleet('given-l1');
    const l1 = new BoundedMap<string, Product>({ max: 10 });
    const cache = new TieredCache<Product>({ l1, l2, bus: false });
    await cache.set('a', { id: 'a', price: 1 });
    expect(l1.get('a')).toEqual({ id: 'a', price: 1 });
    await cache.close();
    expect(l1.size).toBe(0);
    l1.set('still', { id: 's', price: 0 }); // not disposed
    l1.dispose();
  });

  it('validates its options', async () => {
    const { l2 } = fleet('opts');
    expect(() => new TieredCache({ l1: { max: 10 }, l2: undefined as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new TieredCache({ l1: {} as never, l2, bus: false })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new TieredCache({ l1: { max: 10 }, l2, l1MaxTtl: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new TieredCache({ l1: { max: 10 }, l2, bus: { subscriber: {} as never } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new TieredCache({ l1: { max: 10 }, l2, bus: { sharded: 'yes' as never } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    const cache = new TieredCache({ l1: { max: 10 }, l2, bus: false });
    await expect(cache.get(1 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(cache.getOrLoad('a', 'nope' as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(cache.set('a', { id: 'a', price: 1 }, { ttl: -1 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
    await cache.close();
  });

  it('registers itself, closes idempotently, closes the subscriber it made and rejects calls after', async () => {
    const { namespace, instance } = fleet('close');
    const cache = await instance({ name: 'tiered-close' });
    expect(listPrimitives({ kind: 'tiered-cache' }).map((p) => p.name)).toContain('tiered-close');
    await subscriberClientId(namespace, cache.instanceId!);
    await Promise.all([cache.close(), cache.close()]);
    await cache[Symbol.asyncDispose]();
    expect(listPrimitives({ kind: 'tiered-cache' }).map((p) => p.name)).not.toContain('tiered-close');
    await waitFor(
      async () => !((await redis.client('LIST')) as string).includes(`leakproof-bus:${namespace}:`),
      'the subscriber to close',
    );
    await expect(cache.get('a')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    await expect(cache.set('a', { id: 'a', price: 1 })).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
  });
});

describe('TieredCache diagnostics', () => {
  it('publishes hits per tier, misses, invalidations sent and received, and bus state', async () => {
    const { instance } = fleet('diag');
    const events: Array<[string, Record<string, unknown>]> = [];
    const names = ['hit', 'miss', 'invalidation-sent', 'invalidation-received', 'bus'];
    const listeners = names.map((event) => {
      const listener = (message: unknown) => events.push([event, message as Record<string, unknown>]);
      diagnostics_channel.subscribe(`leakproof:redis:${event}`, listener);
      return () => diagnostics_channel.unsubscribe(`leakproof:redis:${event}`, listener);
    });
    try {
      const a = await instance({ name: 'diag-a' });
      const b = await instance({ name: 'diag-b' });
      await a.set('k', { id: 'k', price: 1 });
      await waitFor(
        () => events.some(([e, m]) => e === 'invalidation-received' && m.name === 'diag-b'),
        'b to receive',
      );
      await b.get('k');
      await b.get('k');
      await b.get('none');
      const mine = events.filter(([, m]) => m.name === 'diag-a' || m.name === 'diag-b');
      expect(mine).toContainEqual(['bus', expect.objectContaining({ name: 'diag-a', state: 'up' })]);
      expect(mine).toContainEqual([
        'invalidation-sent',
        expect.objectContaining({ name: 'diag-a', keys: ['k'] }),
      ]);
      expect(mine).toContainEqual([
        'invalidation-received',
        expect.objectContaining({ name: 'diag-b', keys: ['k'], from: a.instanceId }),
      ]);
      expect(mine).toContainEqual(['hit', { name: 'diag-b', tier: 'l2', key: 'k' }]);
      expect(mine).toContainEqual(['hit', { name: 'diag-b', tier: 'l1', key: 'k' }]);
      expect(mine).toContainEqual(['miss', { name: 'diag-b', key: 'none' }]);
      expect(mine.some(([e, m]) => e === 'invalidation-received' && m.name === 'diag-a')).toBe(false);
    } finally {
      for (const off of listeners) off();
    }
  });
});
