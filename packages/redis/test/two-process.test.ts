// Two processes sharing one TieredCache namespace on a private Redis this file may stop,
// flush and kill: coherence with writes by anyone (with the propagation delay), expiry,
// FLUSHDB, a killed tracking connection, the server paused (DEBUG SLEEP), Redis stopped,
// and Redis killed -9 mid-load.
import diagnostics_channel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { RedisCache, TieredCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../../../test/setup/services.js';
import { type Child, startChild } from './setup/child.js';
import { expectEveryKeyHasTtl, stoppedClock, uniqueNamespace } from './setup/redis.js';
import { waitFor } from './setup/wait.js';

// DEBUG (SLEEP) from loopback connections: this server is private to the file.
const SERVER_ARGS = ['--enable-debug-command', 'local'];
let server: PrivateRedis;
let child: Child;
let l2: RedisCache<unknown>;
let cache: TieredCache<unknown>;
let raw: Redis;
const namespace = uniqueNamespace('two-process');
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

type ChildStats = { l1Flushes: number; l1Active: number; invalidationsReceived: number; inflight: number };

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startPrivateRedis(SERVER_ARGS);
  child = startChild('../fixtures/tiered-process.ts', { REDIS_URL: server.url, NAMESPACE: namespace });
  l2 = new RedisCache({
    redis: server.url,
    namespace,
    ttl: 30_000,
    // Deadlines never pass by the wall clock (outages here are refused or closed connections,
    // which fail calls at once); the breaker's cooldown does.
    clock: stoppedClock,
    breaker: { failureThreshold: 3, cooldownMs: 100, now: () => performance.now() },
  });
  cache = new TieredCache({ l1: { max: 1000 }, l2 });
  raw = new Redis(server.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  raw.on('error', () => {});
  await child.waitForEvent((e) => e.event === 'ready', 'the child cache to track');
  await waitFor(() => cache.l1Active, 'the parent cache to track');
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await child?.request('close').catch(() => {});
  await child?.stop();
  await cache?.close();
  if (server !== undefined && l2 !== undefined) {
    const check = new Redis(server.url);
    await expectEveryKeyHasTtl(check, namespace);
    await check.quit();
  }
  await l2?.close();
  raw?.disconnect();
  await server?.stop();
});

const redisKey = (key: string) => `${namespace}:${key}`;

/** Reads `key` in both processes until both L1s hold `value` (a read racing an invalidation is not kept). */
async function bothHold(key: string, value: unknown): Promise<void> {
  await waitFor(
    async () => {
      await cache.get(key).catch(() => undefined);
      await child.request('get', { key }).catch(() => undefined);
      const [mine, theirs] = [cache.getLocal(key), await child.request('getLocal', { key })];
      return (
        JSON.stringify(mine) === JSON.stringify(value) && JSON.stringify(theirs) === JSON.stringify(value)
      );
    },
    `both L1s to hold ${key} = ${JSON.stringify(value)}`,
  );
}

/** Waits until neither L1 holds `key`, then checks both serve `expected` (undefined: a miss). */
async function bothServe(key: string, expected: unknown): Promise<void> {
  await waitFor(
    async () => cache.getLocal(key) === undefined && (await child.request('getLocal', { key })) === null,
    `both L1s to drop ${key}`,
  );
  expect(await cache.get(key)).toEqual(expected);
  expect(await child.request('get', { key })).toEqual(expected ?? null);
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

describe('TieredCache across two processes', () => {
  it('a raw-client write drops the key from both processes’ L1 (and reports the propagation delay)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const key = `p${i}`;
      await cache.set(key, { v: 1 });
      await bothHold(key, { v: 1 });
      const before = child.events.length;
      const sentAt = performance.timeOrigin + performance.now();
      await raw.set(redisKey(key), JSON.stringify({ v: 2 }), 'PX', 30_000);
      const event = await child.waitForEvent(
        (e) =>
          child.events.indexOf(e) >= before &&
          e.event === 'invalidated' &&
          ((e.keys as string[] | null) ?? []).includes(key),
        `the invalidation of ${key}`,
      );
      latencies.push((event.at as number) - sentAt);
      await bothServe(key, { v: 2 });
    }
    latencies.sort((a, b) => a - b);
    // Reported, not asserted: speed belongs to the benchmarks.
    console.log(
      `raw-client write to the other process's invalidation (${latencies.length} writes): p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`,
    );
    // The child's writes reach this process too.
    await bothHold('p0', { v: 2 });
    await child.request('set', { key: 'p0', value: { v: 3 } });
    await bothServe('p0', { v: 3 });
  });

  it('an EXPIREd key running out in Redis drops from both L1s', async () => {
    // The EXPIRE itself invalidates: get the value into both L1s after it, while it lives.
    await waitFor(async () => {
      await raw.set(redisKey('e'), JSON.stringify('short'), 'PX', 30_000);
      await raw.pexpire(redisKey('e'), 400);
      await waitFor(async () => {
        await cache.get('e').catch(() => undefined);
        await child.request('get', { key: 'e' });
        const held =
          cache.getLocal('e') === 'short' && (await child.request('getLocal', { key: 'e' })) === 'short';
        return held || (await raw.exists(redisKey('e'))) === 0;
      }, 'e in both L1s, or expired');
      return (await raw.exists(redisKey('e'))) === 1 && cache.getLocal('e') === 'short';
    }, 'both L1s to hold e before it expires');
    await waitFor(async () => {
      await raw.exists(redisKey('e')); // an access expires it at once if the active cycle has not yet
      return cache.getLocal('e') === undefined && (await child.request('getLocal', { key: 'e' })) === null;
    }, 'both L1s to drop e when it expires');
    expect(await raw.exists(redisKey('e'))).toBe(0);
    await bothServe('e', undefined);
  });

  it('FLUSHDB drops everything from both L1s', async () => {
    await cache.set('f1', 1);
    await cache.set('f2', 2);
    await bothHold('f1', 1);
    await bothHold('f2', 2);
    await raw.flushdb();
    await bothServe('f1', undefined);
    await bothServe('f2', undefined);
  });

  it('CLIENT KILL of the tracking connections flushes both L1s; nothing stale is served and both recover', async () => {
    await cache.set('k', 'old');
    await bothHold('k', 'old');
    const flushes = (await child.request<ChildStats>('stats')).l1Flushes;
    const myFlushes = cache.stats().l1Flushes;
    const list = (await raw.client('LIST')) as string;
    const ids = list
      .split('\n')
      .filter((l) => l.includes(` name=leakproof-tracking:${namespace}:`))
      .map((l) => /\bid=(\d+)/.exec(l)?.[1]);
    expect(ids).toHaveLength(2);
    for (const id of ids) await raw.client('KILL', 'ID', id!);
    // Until a process sees its tracking connection close, nothing tells it invalidations are
    // being missed: wait for both to have noticed (and flushed) before writing.
    await waitFor(
      async () =>
        (await child.request<ChildStats>('stats')).l1Flushes > flushes && cache.stats().l1Flushes > myFlushes,
      'both processes to flush L1',
    );
    expect(await child.request('getLocal', { key: 'k' })).toBeNull();
    expect(cache.getLocal('k')).toBeUndefined();
    // Written while the trackers may be down: both read the new value from L2.
    await raw.set(redisKey('k'), JSON.stringify('new'), 'PX', 30_000);
    expect(await child.request('get', { key: 'k' })).toBe('new');
    expect(await cache.get('k')).toBe('new');
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 1 && cache.l1Active,
      'both to track again',
    );
    await bothHold('k', 'new');
    await raw.set(redisKey('k'), JSON.stringify('newer'), 'PX', 30_000);
    await bothServe('k', 'newer');
  });

  it('DEBUG SLEEP of the server: a write queued while it sleeps reaches both L1s, and nothing stale is served after', async () => {
    await cache.set('s', 'old');
    await bothHold('s', 'old');
    // This process's invalidations of `s`, and the child's, from here on.
    let invalidatedHere = false;
    const onInvalidation = (message: unknown) => {
      const { keys } = message as { keys: string[] | null };
      if (keys === null || keys.includes('s')) invalidatedHere = true;
    };
    diagnostics_channel.subscribe('leakproof:redis:invalidation-received', onInvalidation);
    const before = child.events.length;
    const sleeper = new Redis(server.url, { maxRetriesPerRequest: 0, lazyConnect: true });
    sleeper.on('error', () => {});
    try {
      await sleeper.connect();
      // The server sleeps 1 s; the write and the reads below wait in its sockets meanwhile
      // (the reads hit L1, which still rightly holds 'old': the write has not happened yet,
      // or wait for the server and may answer either value: they overlap the write).
      const asleep = sleeper.call('DEBUG', 'SLEEP', '1');
      const write = raw.set(redisKey('s'), JSON.stringify('new'), 'PX', 30_000);
      await Promise.allSettled([
        cache.get('s'),
        cache.getOrLoad('s', () => 'loaded'),
        child.request('get', { key: 's' }),
        child.request('getOrLoad', { key: 's', value: 'loaded' }),
      ]);
      expect(await asleep).toBe('OK');
      expect(await write).toBe('OK');
      // The write is done: once each process has its invalidation, neither may serve 'old'.
      await waitFor(() => invalidatedHere, 'this process to receive the invalidation of s');
      await child.waitForEvent(
        (e) =>
          child.events.indexOf(e) >= before &&
          e.event === 'invalidated' &&
          (e.keys === null || (e.keys as string[]).includes('s')),
        'the child to receive the invalidation of s',
      );
      const served: unknown[] = [];
      await waitFor(async () => {
        // What succeeds counts (a call failing here would only delay the check).
        const [mine, theirs] = await Promise.allSettled([cache.get('s'), child.request('get', { key: 's' })]);
        for (const r of [mine, theirs]) if (r.status === 'fulfilled') served.push(r.value);
        served.push(cache.getLocal('s') ?? null, await child.request('getLocal', { key: 's' }));
        return mine.status === 'fulfilled' && theirs.status === 'fulfilled';
      }, 'both processes to read s again');
      expect(served).not.toContain('old');
      expect(served.filter((v) => v !== null)).toEqual(served.filter((v) => v !== null).map(() => 'new'));
      await bothHold('s', 'new');
    } finally {
      diagnostics_channel.unsubscribe('leakproof:redis:invalidation-received', onInvalidation);
      sleeper.disconnect();
    }
  });

  it('Redis stopped: calls fail fast with nothing queued, loads fall back, and both recover', async () => {
    await server.stop();
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 0,
      'the child to lose tracking',
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

    server = await startPrivateRedis(SERVER_ARGS, server.port);
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 1 && cache.l1Active,
      'both to track again',
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
    await waitFor(() => raw.status === 'ready', 'the raw client to reconnect');
    await bothHold('k', 'after');
    await cache.set('k', 'again');
    await bothServe('k', 'again');
  });

  it('Redis killed -9 mid-load and restarted: no stale read after recovery, no unhandled rejection, nothing pending', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const key of keys) await cache.set(key, 'before');
    let running = true;
    let calls = 0;
    const load = (async () => {
      while (running) {
        const key = keys[calls++ % keys.length]!;
        await Promise.allSettled([
          cache.get(key),
          cache.getOrLoad(key, () => 'loaded'),
          calls % 5 === 0 ? cache.set(key, 'before') : Promise.resolve(),
          child.request('get', { key }),
        ]);
      }
    })();
    await waitFor(() => calls > 50, 'the load to run');
    const killed = new Promise((resolve) => server.process.once('exit', resolve));
    server.process.kill('SIGKILL');
    await killed;
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 0 && !cache.l1Active,
      'both to lose tracking',
    );
    const during = calls;
    await waitFor(() => calls > during + 50, 'the load to run against the dead server');
    server = await startPrivateRedis(SERVER_ARGS, server.port);
    // Everything was lost with the server: a new value written by a raw client after the
    // restart must be what both processes serve, never 'before' or 'loaded' from before.
    await waitFor(
      async () => (await child.request<ChildStats>('stats')).l1Active === 1 && cache.l1Active,
      'both to track again',
      10_000,
    );
    running = false;
    await load;
    await waitFor(() => raw.status === 'ready', 'the raw client to reconnect');
    for (const key of keys) await raw.set(redisKey(key), JSON.stringify('after'), 'PX', 30_000);
    for (const key of keys) {
      await bothHold(key, 'after');
    }
    expect(unhandled).toEqual([]);
    expect(l2.stats().pending).toBe(0);
    expect(cache.stats().inflight).toBe(0);
    expect((await child.request<ChildStats>('stats')).inflight).toBe(0);
    expect(await child.request('l2stats')).toMatchObject({ pending: 0, offlineQueue: 0 });
  });

  it('after close, nothing keeps the child process alive', async () => {
    const exited = new Promise<number | null>((resolve) =>
      child.process.once('exit', (code) => resolve(code)),
    );
    await child.request('close');
    expect(await exited).toBe(0);
  });
});
