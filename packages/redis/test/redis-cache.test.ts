import { listPrimitives } from '@leakproof/core';
import { RedisCache } from '@leakproof/redis';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, expectEveryKeyHasTtl, redisUrl, uniqueNamespace } from './setup/redis.js';
import { describeTierConformance } from './setup/tier-conformance.js';

const redis = connectRedis();
const namespaces: string[] = [];
const ns = (label: string) => {
  const n = uniqueNamespace(label);
  namespaces.push(n);
  return n;
};

afterAll(async () => {
  for (const n of namespaces) await expectEveryKeyHasTtl(redis, n);
  await redis.quit();
});

describeTierConformance('RedisCache on one server', {
  create: ({ ttl, maxValueBytes }) =>
    new RedisCache({ redis, namespace: ns('conf'), ttl, ...(maxValueBytes ? { maxValueBytes } : {}) }),
});

describe('RedisCache', () => {
  it('writes namespaced keys, each with the TTL it was given', async () => {
    const namespace = ns('keys');
    await using cache = new RedisCache<number>({ redis, namespace, ttl: 50_000 });
    await cache.set('a', 1);
    await cache.set('b', 2, { ttl: 5_000 });
    await cache.setMany([['c', 3]], { ttl: 7_000 });
    expect(await redis.get(`${namespace}:a`)).toBe('1');
    expect(cache.redisKey('a')).toBe(`${namespace}:a`);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((k) => redis.pttl(`${namespace}:${k}`)));
    expect(a).toBeGreaterThan(40_000);
    expect(a).toBeLessThanOrEqual(50_000);
    expect(b).toBeGreaterThan(4_000);
    expect(b).toBeLessThanOrEqual(5_000);
    expect(c).toBeGreaterThan(6_000);
    expect(c).toBeLessThanOrEqual(7_000);
  });

  it('leaves the caller’s connection open on close', async () => {
    const cache = new RedisCache({ redis, namespace: ns('caller'), ttl: 1000 });
    await cache.close();
    expect(redis.status).toBe('ready');
    expect(await redis.ping()).toBe('PONG');
  });

  it('a client shared by many caches gets one pair of listeners, and keeps none once they are closed', async () => {
    const listeners = () => redis.listenerCount('error') + redis.listenerCount('ready');
    const before = listeners();
    const caches = Array.from(
      { length: 20 },
      (_, i) => new RedisCache({ redis, namespace: ns(`shared${i}`), ttl: 1000 }),
    );
    // One pair of listeners per client (none more if another cache already watches it).
    expect(listeners() - before).toBeLessThanOrEqual(2);
    for (const cache of caches) await cache.close();
    expect(listeners()).toBe(before);
  });

  it('creates its own connection from a URL, without an offline queue, auto-pipelined, and closes it', async () => {
    const cache = new RedisCache<string>({ redis: redisUrl(), namespace: ns('owned'), ttl: 10_000 });
    expect(cache.client).toBeInstanceOf(Redis);
    expect((cache.client as Redis).options.enableOfflineQueue).toBe(false);
    expect((cache.client as Redis).options.enableAutoPipelining).toBe(true);
    // ioredis options may turn auto-pipelining off; the offline queue stays off whatever they say.
    const { hostname, port } = new URL(redisUrl());
    await using plain = new RedisCache<string>({
      redis: { host: hostname, port: Number(port), enableAutoPipelining: false, enableOfflineQueue: true },
      namespace: ns('owned-plain'),
      ttl: 10_000,
    });
    expect((plain.client as Redis).options).toMatchObject({
      enableAutoPipelining: false,
      enableOfflineQueue: false,
    });
    // The first connection is awaited (within the deadline) rather than failed.
    await cache.set('x', 'y');
    expect(await cache.get('x')).toBe('y');
    await cache.close();
    expect(cache.client.status).toBe('end');
    expect(cache.closed).toBe(true);
  });

  it('counts hits, misses, sets and deletes, and registers itself until closed', async () => {
    const cache = new RedisCache({ redis, namespace: ns('stats'), ttl: 10_000, name: 'stats-cache' });
    await cache.set('a', 1);
    await cache.get('a');
    await cache.get('nope');
    await cache.getMany(['a', 'nope']);
    await cache.delete('a');
    expect(cache.stats()).toMatchObject({
      hits: 2,
      misses: 2,
      sets: 1,
      deletes: 1,
      failures: 0,
      pending: 0,
      breakerState: 0,
    });
    expect(listPrimitives({ kind: 'redis-cache' }).map((p) => p.name)).toContain('stats-cache');
    await cache.close();
    expect(listPrimitives({ kind: 'redis-cache' }).map((p) => p.name)).not.toContain('stats-cache');
  });

  it('passes server error replies through without counting them against the breaker', async () => {
    const namespace = ns('wrongtype');
    await redis.set(`${namespace}:list`, 'x', 'PX', 10_000);
    await redis.del(`${namespace}:list`);
    await redis.rpush(`${namespace}:list`, 'x');
    await redis.pexpire(`${namespace}:list`, 10_000);
    await using cache = new RedisCache({ redis, namespace, ttl: 1000, breaker: { failureThreshold: 1 } });
    await expect(cache.get('list')).rejects.toMatchObject({ name: 'ReplyError' });
    expect(cache.breaker.state).toBe('closed');
    expect(cache.stats().failures).toBe(0);
  });

  it('applies a custom serializer', async () => {
    const namespace = ns('serializer');
    await using cache = new RedisCache<Date>({
      redis,
      namespace,
      ttl: 10_000,
      serializer: { serialize: (d) => String(d.getTime()), deserialize: (t) => new Date(Number(t)) },
    });
    await cache.set('d', new Date(1234));
    expect(await redis.get(`${namespace}:d`)).toBe('1234');
    expect(await cache.get('d')).toEqual(new Date(1234));
  });
});

describe('RedisCache options', () => {
  const base = () => ({ redis, namespace: ns('opts'), ttl: 1000 });

  it('requires a ttl: a positive integer of milliseconds', () => {
    const { ttl: _, ...noTtl } = base();
    expect(() => new RedisCache(noTtl as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.ttl'),
      }),
    );
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new RedisCache({ ...base(), ttl })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(() => new RedisCache({ ...base(), ttl: '10' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('rejects namespaces with wildcard characters, whitespace, braces, or none at all', () => {
    for (const namespace of ['a*', 'a?b', 'a[b]', 'a\\b', 'a b', '{tag}', '', 'x'.repeat(201)]) {
      expect(() => new RedisCache({ ...base(), namespace }), namespace).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_VALUE',
          message: expect.stringContaining('options.namespace'),
        }),
      );
    }
    expect(() => new RedisCache({ ...base(), namespace: 42 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new RedisCache({ ...base(), namespace: 'app:products-v2.1' })).not.toThrow();
  });

  it('validates the other options', () => {
    expect(() => new RedisCache({ ...base(), maxValueBytes: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new RedisCache({ ...base(), maxValueBytes: 2 ** 30 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new RedisCache({ ...base(), timeoutMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new RedisCache({ ...base(), maxPending: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new RedisCache({ ...base(), serializer: { serialize: JSON.stringify } as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new RedisCache({ ...base(), redis: 42 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new RedisCache({ ...base(), breaker: { failureThreshold: 0 } })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => new RedisCache({ ...base(), name: 42 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new RedisCache(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    for (const clock of [{}, null, () => 0, { now: 0 }]) {
      expect(() => new RedisCache({ ...base(), clock: clock as never })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining('options.clock'),
        }),
      );
    }
  });

  it('does not create a connection when an option is bad', () => {
    const before = listPrimitives({ kind: 'redis-cache' }).length;
    expect(() => new RedisCache({ redis: redisUrl(), namespace: 'bad*', ttl: 1000 })).toThrow();
    expect(
      () => new RedisCache({ redis: redisUrl(), namespace: 'ok', ttl: 1000, breaker: { cooldownMs: -1 } }),
    ).toThrow();
    expect(listPrimitives({ kind: 'redis-cache' }).length).toBe(before);
  });
});
