// Redis down or slow, on a private server this file may stop: calls fail fast with
// ERR_REDIS_UNAVAILABLE, nothing queues, reads fall back, and everything recovers.
import { RedisCache, RedisUnavailableError, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, type PrivateRedis, startPrivateRedis } from '../../../test/setup/services.js';
import { expectEveryKeyHasTtl, uniqueNamespace } from './setup/redis.js';
import { waitFor } from './setup/wait.js';

let server: PrivateRedis;

beforeAll(async () => {
  server = await startPrivateRedis();
});

afterAll(async () => {
  await server?.stop();
});

/** ioredis's own offline queue (not public API, read to prove it stays empty). */
const offlineQueueLength = (client: unknown) =>
  (client as { offlineQueue: { length: number } }).offlineQueue.length;

describe('Redis stopped mid-run', () => {
  it('fails fast without queueing, falls back to the loader, and recovers when Redis returns', async () => {
    const namespace = uniqueNamespace('outage');
    const l2 = new RedisCache<number>({
      redis: server.url,
      namespace,
      ttl: 30_000,
      timeoutMs: 200,
      breaker: { failureThreshold: 3, cooldownMs: 100 },
    });
    const cache = new TieredCache<number>({ l1: { max: 100 }, l2 });
    await waitFor(() => cache.l1Active, 'the bus');
    await cache.set('a', 1);
    expect(await cache.get('a')).toBe(1);

    await server.stop();
    await waitFor(() => l2.client.status !== 'ready' && !cache.l1Active, 'the clients to notice');
    expect(cache.getLocal('a')).toBeUndefined(); // L1 flushed with the subscription

    const results = await Promise.allSettled(Array.from({ length: 200 }, (_, i) => l2.get(`k${i}`)));
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as RedisUnavailableError;
      expect(error).toBeInstanceOf(RedisUnavailableError);
      expect(error.code).toBe('ERR_REDIS_UNAVAILABLE');
    }
    expect(l2.breaker.state).toBe('open');
    // Most calls never reached the client: the breaker turned them away.
    expect(l2.stats().rejected).toBeGreaterThanOrEqual(190);
    expect(l2.stats().pending).toBe(0);
    expect(offlineQueueLength(l2.client)).toBe(0);
    // The breaker's own error carries the failure that opened it.
    const open = await l2.get('x').catch((e: unknown) => e as RedisUnavailableError);
    expect(open).toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' });
    expect((open as Error).cause).toBeInstanceOf(RedisUnavailableError);

    // Reads with a loader still answer, from the loader, and nothing stale is kept in L1.
    const loader = vi.fn(async () => 42);
    expect(await cache.getOrLoad('a', loader)).toBe(42);
    expect(await cache.getOrLoad('a', loader)).toBe(42);
    expect(loader).toHaveBeenCalledTimes(2);
    await expect(cache.get('a')).rejects.toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' });
    await expect(cache.set('a', 2)).rejects.toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' });
    expect(cache.stats().l2Errors).toBeGreaterThan(0);

    server = await startPrivateRedis([], server.port);
    await waitFor(
      async () =>
        l2.set('probe', 1).then(
          () => true,
          () => false,
        ),
      'the cache to recover',
    );
    expect(l2.breaker.state).toBe('closed');
    await waitFor(() => cache.l1Active, 'the bus to resubscribe');
    await cache.set('a', 3);
    expect(await cache.get('a')).toBe(3);
    expect(cache.getLocal('a')).toBe(3);

    await cache.close();
    const check = new Redis(server.url);
    await expectEveryKeyHasTtl(check, namespace);
    await check.quit();
    await l2.close();
  });

  it('never feeds an injected client’s offline queue while it is disconnected', async () => {
    const namespace = uniqueNamespace('injected');
    // The ioredis default: an unbounded offline queue. The cache still never queues into it.
    const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    const cache = new RedisCache<number>({
      redis: client,
      namespace,
      ttl: 30_000,
      breaker: { failureThreshold: 2, cooldownMs: 60_000 },
    });
    await cache.set('a', 1);
    await server.stop();
    await waitFor(() => client.status !== 'ready', 'the client to notice');
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => cache.get('a')));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(offlineQueueLength(client)).toBe(0);
    expect(cache.stats()).toMatchObject({ pending: 0, breakerState: 1 });
    server = await startPrivateRedis([], server.port);
    await cache.close();
    client.disconnect();
  });
});

describe('Redis slow', () => {
  it('times every call out, bounds pending commands, opens the breaker, and recovers', async () => {
    const namespace = uniqueNamespace('slow');
    const cache = new RedisCache<number>({
      redis: server.url,
      namespace,
      ttl: 30_000,
      timeoutMs: 50,
      maxPending: 20,
      breaker: { failureThreshold: 5, cooldownMs: 50 },
    });
    await cache.set('a', 1);
    const admin = new Redis(server.url);
    await admin.client('PAUSE', 400, 'ALL');
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => cache.get('a')));
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : undefined));
    expect(reasons.every((r) => r instanceof RedisUnavailableError)).toBe(true);
    // 20 were sent (and timed out), the other 80 were refused at once: never more than maxPending in flight.
    expect(reasons.filter((r) => r?.message.includes('did not answer within 50 ms'))).toHaveLength(20);
    expect(reasons.filter((r) => r?.message.includes('already pending'))).toHaveLength(80);
    expect(cache.stats().timeouts).toBe(20);
    expect(cache.breaker.state).toBe('open');
    await waitFor(() => cache.stats().pending === 0, 'the paused commands to drain');
    await waitFor(
      async () =>
        cache.get('a').then(
          () => true,
          () => false,
        ),
      'recovery',
    );
    expect(await cache.get('a')).toBe(1);
    await cache.close();
    await expectEveryKeyHasTtl(admin, namespace);
    await admin.quit();
  });
});

describe('Redis not there yet', () => {
  it('waits for a first connection within the deadline, and never sends a call that timed out meanwhile', async () => {
    const port = await freePort();
    const namespace = uniqueNamespace('late');
    const cache = new RedisCache<number>({
      redis: `redis://127.0.0.1:${port}`,
      namespace,
      ttl: 30_000,
      timeoutMs: 100,
      breaker: { failureThreshold: 100 },
    });
    await expect(cache.set('ghost', 1)).rejects.toMatchObject({
      code: 'ERR_REDIS_UNAVAILABLE',
      message: expect.stringContaining('did not answer within 100 ms'),
    });
    const late = await startPrivateRedis([], port);
    try {
      await waitFor(() => cache.client.status === 'ready', 'the first connection', 10_000);
      const admin = new Redis(late.url);
      expect(await admin.exists(`${namespace}:ghost`)).toBe(0);
      await cache.set('real', 2);
      expect(await cache.get('real')).toBe(2);
      await cache.close();
      await expectEveryKeyHasTtl(admin, namespace);
      await admin.quit();
    } finally {
      await late.stop();
    }
  });

  it('connects a lazy injected client on the first call', async () => {
    const namespace = uniqueNamespace('lazy');
    const client = new Redis(server.url, { lazyConnect: true });
    const cache = new RedisCache<number>({ redis: client, namespace, ttl: 30_000 });
    expect(client.status).toBe('wait');
    await cache.set('a', 1);
    expect(await cache.get('a')).toBe(1);
    await cache.close();
    await expectEveryKeyHasTtl(client, namespace);
    await client.quit();
  });
});
