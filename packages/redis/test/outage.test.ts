// Redis down or slow, on a private server this file may stop: calls fail fast with
// ERR_REDIS_UNAVAILABLE, nothing queues, reads fall back, and everything recovers.

import { once } from 'node:events';
import { RedisCache, RedisUnavailableError, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, type PrivateRedis, startPrivateRedis } from '../../../test/setup/services.js';
import { expectEveryKeyHasTtl, stoppedClock, uniqueNamespace } from './setup/redis.js';
import { readIntoL1, waitFor } from './setup/wait.js';

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
    // The breaker's clock is the test's: it stays open until the test moves time on.
    const clock = { time: 0 };
    const l2 = new RedisCache<number>({
      redis: server.url,
      namespace,
      ttl: 30_000,
      timeoutMs: 200,
      breaker: { failureThreshold: 3, cooldownMs: 100 },
      // Deadlines and the breaker run on the test's clock: no call times out because the runner stalled.
      clock: { now: () => clock.time },
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
    await waitFor(() => l2.client.status === 'ready', 'the connection to come back');
    expect(l2.breaker.state).toBe('open');
    clock.time += 100; // the cooldown has passed: the next call probes, and closes the breaker
    await l2.set('probe', 1);
    expect(l2.breaker.state).toBe('closed');
    await waitFor(() => cache.l1Active, 'the bus to resubscribe');
    await cache.set('a', 3);
    expect(await cache.get('a')).toBe(3);
    await readIntoL1(cache, 'a');
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
    // Deadlines and the breaker's cooldown pass when the test moves this clock.
    const clock = { time: 0 };
    const cache = new RedisCache<number>({
      redis: server.url,
      namespace,
      ttl: 30_000,
      timeoutMs: 50,
      maxPending: 20,
      breaker: { failureThreshold: 5, cooldownMs: 50 },
      clock: { now: () => clock.time },
    });
    // Set up through another client: a 50 ms deadline is the subject here, not the setup's.
    const admin = new Redis(server.url);
    await admin.set(`${namespace}:a`, '1', 'PX', 30_000);
    await waitFor(() => cache.client.status === 'ready', 'the cache to connect');
    // Stopped (SIGSTOP) until the test lets it go on, however slow the machine.
    server.process.kill('SIGSTOP');
    const calls = Array.from({ length: 100 }, () => cache.get('a'));
    clock.time += 50; // the deadline of the 20 sent passes (the server is stopped: none can answer)
    const results = await Promise.allSettled(calls);
    const reasons = results.map((r) => (r.status === 'rejected' ? (r.reason as Error) : undefined));
    expect(reasons.every((r) => r instanceof RedisUnavailableError)).toBe(true);
    // 20 were sent (and timed out), the other 80 were refused at once: never more than maxPending in flight.
    expect(reasons.filter((r) => r?.message.includes('did not answer within 50 ms'))).toHaveLength(20);
    expect(reasons.filter((r) => r?.message.includes('already pending'))).toHaveLength(80);
    expect(cache.stats().timeouts).toBe(20);
    expect(cache.breaker.state).toBe('open');
    server.process.kill('SIGCONT');
    await waitFor(() => cache.stats().pending === 0, 'the paused commands to drain');
    clock.time += 50; // the breaker's cooldown has passed: the next call probes
    await waitFor(
      async () => (await cache.get('a').catch(() => undefined)) === 1,
      'recovery: a read that answers',
    );
    await cache.close();
    await expectEveryKeyHasTtl(admin, namespace);
    await admin.quit();
  });
});

describe('Redis not there yet', () => {
  it('says the connection was refused (ECONNREFUSED as the cause) and fails fast, never sending a call that failed meanwhile', async () => {
    const port = await freePort();
    const namespace = uniqueNamespace('late');
    const cache = new RedisCache<number>({
      redis: `redis://127.0.0.1:${port}`,
      namespace,
      ttl: 30_000,
      timeoutMs: 60_000,
      breaker: { failureThreshold: 3, cooldownMs: 60_000 },
    });
    // Nothing listens on the port: the call fails as soon as the connection is refused,
    // not after its 60 s deadline, and says why.
    const first = await cache
      .set('ghost', 1)
      .catch((e: unknown) => e as Error & { cause: Error & { code: string } });
    expect(first).toMatchObject({
      code: 'ERR_REDIS_UNAVAILABLE',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    expect((first as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
    for (let i = 0; i < 2; i++) {
      await expect(cache.get('a')).rejects.toMatchObject({
        code: 'ERR_REDIS_UNAVAILABLE',
        cause: expect.objectContaining({ code: 'ECONNREFUSED' }),
      });
    }
    // Three failures opened the breaker: calls are turned away without touching the client.
    const rejected = cache.stats().rejected;
    await expect(cache.get('a')).rejects.toMatchObject({
      code: 'ERR_REDIS_UNAVAILABLE',
      message: expect.stringContaining('circuit breaker is open'),
    });
    expect(cache.stats()).toMatchObject({ rejected: rejected + 1, breakerState: 1, pending: 0 });
    cache.breaker.reset();
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
    const cache = new RedisCache<number>({ redis: client, namespace, ttl: 30_000, clock: stoppedClock });
    expect(client.status).toBe('wait');
    const ready = once(client, 'ready');
    const first = cache.set('a', 1);
    expect(client.status).toBe('connecting'); // the call started the connection
    await ready;
    await first.catch(() => {}); // on a slow machine its deadline may pass first: either is right
    await cache.set('a', 1);
    expect(await cache.get('a')).toBe(1);
    await cache.close();
    await expectEveryKeyHasTtl(client, namespace);
    await client.quit();
  });
});
