// Two processes sharing one TieredCache namespace on a private Redis this file may stop:
// invalidation between processes (with its latency), a killed subscriber, Redis going away.
import { performance } from 'node:perf_hooks';
import { RedisCache, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../../../test/setup/services.js';
import { type Child, startChild } from './setup/child.js';
import { expectEveryKeyHasTtl, uniqueNamespace } from './setup/redis.js';
import { waitFor } from './setup/wait.js';

let server: PrivateRedis;
let child: Child;
let l2: RedisCache<unknown>;
let cache: TieredCache<unknown>;
const namespace = uniqueNamespace('two-process');

type ChildStats = { l1Flushes: number; l1Active: number; invalidationsReceived: number; instanceId: string };

beforeAll(async () => {
  server = await startPrivateRedis();
  child = startChild('../fixtures/tiered-process.ts', { REDIS_URL: server.url, NAMESPACE: namespace });
  l2 = new RedisCache({
    redis: server.url,
    namespace,
    ttl: 30_000,
    timeoutMs: 200,
    breaker: { failureThreshold: 3, cooldownMs: 100 },
  });
  cache = new TieredCache({ l1: { max: 1000 }, l2 });
  await child.waitForEvent((e) => e.event === 'ready', 'the child cache to subscribe');
  await waitFor(() => cache.l1Active, 'the parent cache to subscribe');
});

afterAll(async () => {
  await child?.request('close').catch(() => {});
  await child?.stop();
  await cache?.close();
  if (server !== undefined && l2 !== undefined) {
    const check = new Redis(server.url);
    await expectEveryKeyHasTtl(check, namespace);
    await check.quit();
  }
  await l2?.close();
  await server?.stop();
});

describe('TieredCache across two processes', () => {
  it('a write in one process invalidates the other’s L1 (and reports the propagation latency)', async () => {
    await cache.set('warm', 0);
    await child.waitForEvent((e) => e.event === 'invalidated', 'the first invalidation');
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const key = `p${i}`;
      await cache.set(key, { v: 1 });
      await child.waitForEvent(
        (e) => e.event === 'invalidated' && (e.keys as string[] | null)?.[0] === key,
        `the first write of ${key}`,
      );
      expect(await child.request('get', { key })).toEqual({ v: 1 });
      expect(await child.request('getLocal', { key })).toEqual({ v: 1 });
      const before = child.events.length;
      const sentAt = performance.timeOrigin + performance.now();
      await cache.set(key, { v: 2 });
      const event = await child.waitForEvent(
        (e) =>
          child.events.indexOf(e) >= before &&
          e.event === 'invalidated' &&
          (e.keys as string[] | null)?.[0] === key,
        `the invalidation of ${key}`,
      );
      latencies.push((event.at as number) - sentAt);
      expect(await child.request('getLocal', { key })).toBeNull();
      expect(await child.request('get', { key })).toEqual({ v: 2 });
    }
    latencies.sort((a, b) => a - b);
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
    // Reported, not asserted: speed belongs to the benchmarks.
    console.log(
      `invalidation propagation between processes (set() start to receipt): p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`,
    );
    // The child's writes reach this process too.
    await cache.get('p0');
    expect(cache.getLocal('p0')).toEqual({ v: 2 });
    await child.request('set', { key: 'p0', value: { v: 3 } });
    await waitFor(() => cache.getLocal('p0') === undefined, 'the parent to drop p0');
    expect(await cache.get('p0')).toEqual({ v: 3 });
  });

  it('CLIENT KILL on the child’s subscriber flushes its L1 and nothing stale is served', async () => {
    await cache.set('k', 'old');
    await child.waitForEvent(
      (e) => e.event === 'invalidated' && (e.keys as string[] | null)?.[0] === 'k',
      'k',
    );
    expect(await child.request('get', { key: 'k' })).toBe('old');
    expect(await child.request('getLocal', { key: 'k' })).toBe('old');
    const { instanceId, l1Flushes } = await child.request<ChildStats>('stats');

    const admin = new Redis(server.url);
    const list = (await admin.client('LIST')) as string;
    const line = list
      .split('\n')
      .find((l) => l.includes(` name=leakproof-bus:${namespace}:__invalidate:${instanceId} `));
    const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await admin.client('KILL', 'ID', id!);
    await admin.quit();
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Flushes === l1Flushes + 1,
      'the child to flush L1',
    );
    expect(await child.request('getLocal', { key: 'k' })).toBeNull();
    // Written while the child's subscription may be down: the child reads the new value from L2.
    await cache.set('k', 'new');
    expect(await child.request('get', { key: 'k' })).toBe('new');
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 1,
      'the child to resubscribe',
    );
    expect(await child.request('get', { key: 'k' })).toBe('new');
  });

  it('Redis stopped: calls fail fast with nothing queued, loads fall back, and both recover', async () => {
    await server.stop();
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 0,
      'the child to lose its subscription',
    );
    for (let i = 0; i < 10; i++) {
      await expect(child.request('get', { key: 'k' })).rejects.toMatchObject({
        code: 'ERR_REDIS_UNAVAILABLE',
      });
    }
    expect(await child.request('getOrLoad', { key: 'k', value: 'from-loader' })).toBe('from-loader');
    const stats = await child.request<{
      pending: number;
      offlineQueue: number;
      breakerState: number;
      rejected: number;
    }>('l2stats');
    expect(stats).toMatchObject({ pending: 0, offlineQueue: 0, breakerState: 1 });
    expect(stats.rejected).toBeGreaterThan(0);
    await expect(cache.set('k', 'during')).rejects.toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' });

    server = await startPrivateRedis([], server.port);
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 1 && cache.l1Active,
      'both to resubscribe',
      10_000,
    );
    await waitFor(
      async () =>
        cache.set('k', 'after').then(
          () => true,
          () => false,
        ),
      'the parent to write again',
    );
    // A read that overlaps the invalidation of the parent's write is (rightly) not kept in
    // L1: read until the child's L1 itself holds the new value, the state asserted below.
    await waitFor(async () => {
      await child.request('get', { key: 'k' }).catch(() => undefined);
      return (await child.request('getLocal', { key: 'k' })) === 'after';
    }, 'the child’s L1 to hold the value written after recovery');
    expect(await child.request('getLocal', { key: 'k' })).toBe('after');
    const before = child.events.length;
    await cache.set('k', 'again');
    await child.waitForEvent(
      (e) =>
        child.events.indexOf(e) >= before &&
        e.event === 'invalidated' &&
        (e.keys as string[] | null)?.[0] === 'k',
      'the invalidation of k after recovery',
    );
    expect(await child.request('getLocal', { key: 'k' })).toBeNull();
    expect(await child.request('get', { key: 'k' })).toBe('again');
  });

  it('after close, nothing keeps the child process alive', async () => {
    const exited = new Promise<number | null>((resolve) =>
      child.process.once('exit', (code) => resolve(code)),
    );
    await child.request('close');
    expect(await exited).toBe(0);
  });
});
