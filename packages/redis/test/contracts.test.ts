// The package's side of the shared contracts: aborts (the workspace abort contract), the
// error catalogue (README table against it), options and constructors that never leave a
// connection open.
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { catalogueByPackage } from '@leakproof/core';
import { CircuitBreaker, MemoryCache, RedisCache, TieredCache } from '@leakproof/redis';
import { Redis as ImportedRedis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { describeAbortContract } from '../../../test/helpers/abort-contract.js';
import { connectRedis, redisUrl, uniqueNamespace } from './setup/redis.js';

interface LoadFixture {
  l2: MemoryCache<number>;
  cache: TieredCache<number>;
  release: () => void;
  loading: Promise<void>;
}

describeAbortContract<LoadFixture>('TieredCache.getOrLoad', {
  setup: () => {
    const l2 = new MemoryCache<number>({ max: 10, ttl: 60_000 });
    const cache = new TieredCache<number>({ l1: { max: 10 }, l2 });
    let release!: () => void;
    const loading = new Promise<void>((resolve) => (release = resolve));
    return { l2, cache, release, loading };
  },
  start: (f, signal) => f.cache.getOrLoad('k', () => f.loading.then(() => 1), { signal }),
  release: (f) => f.release(),
  pending: (f) => f.cache.stats().inflight,
  teardown: async (f) => {
    f.release();
    await f.cache.close();
    await f.l2.close();
  },
});

describe('errors', () => {
  it('the README’s errors table lists exactly the codes of the redis catalogue', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'));
    const table = section.slice(
      0,
      section.indexOf('\n## ', 4) === -1 ? undefined : section.indexOf('\n## ', 4),
    );
    const listed = [...table.matchAll(/^\| `(ERR_[A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(catalogueByPackage.redis!).sort());
  });
});

describe('options and constructors', () => {
  const base = () => ({ redis: redisUrl(), namespace: uniqueNamespace('opts'), ttl: 1000 });
  /** Open TCP handles: a constructor that throws must not add one. */
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

  it('a constructor that throws never leaves a connection open (a throwing breaker getter with a URL)', async () => {
    const before = sockets();
    const hostile = {
      ...base(),
      get breaker(): never {
        throw new Error('getter');
      },
    };
    expect(() => new RedisCache(hostile)).toThrow('getter');
    for (const bad of [
      { ...base(), breaker: 'x' },
      { ...base(), maxPending: 0 },
      { ...base(), bogus: 1 },
    ]) {
      expect(() => new RedisCache(bad as never)).toThrow();
    }
    // Let any connection that was opened get as far as a socket.
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets()).toBe(before);
  });

  it('rejects a breaker option that is neither a CircuitBreaker nor its options, with a coded error', () => {
    for (const breaker of ['x', 5, true, null]) {
      expect(() => new RedisCache({ ...base(), breaker: breaker as never })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining('options.breaker'),
        }),
      );
    }
  });

  it('keeps a breaker name given in the options', async () => {
    const redis = connectRedis();
    await using cache = new RedisCache({ ...base(), redis, breaker: { name: 'orders-breaker' } });
    expect(cache.breaker.name).toBe('orders-breaker');
    redis.disconnect();
  });

  it('new CircuitBreaker({ now: 5 }) is refused at the call, not at allow()', () => {
    expect(() => new CircuitBreaker({ now: 5 as never })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.now'),
      }),
    );
    for (const bad of [{ failureThreshold: 0 }, { cooldownMs: -1 }, { name: 5 }, { threshold: 3 }]) {
      expect(() => new CircuitBreaker(bad as never)).toThrow(
        expect.objectContaining({ code: expect.any(String) }),
      );
    }
    expect(() => new CircuitBreaker(null as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('setMany(5) is a coded argument error, on both tiers', async () => {
    const redis = connectRedis();
    await using remote = new RedisCache<number>({ ...base(), redis });
    await using memory = new MemoryCache<number>({ max: 1, ttl: 1000 });
    for (const tier of [remote, memory]) {
      await expect(tier.setMany(5 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
    redis.disconnect();
  });

  it('rejects unknown option keys with a did-you-mean hint, and null for an option', () => {
    expect(() => new RedisCache({ ...base(), timeout: 5 } as never)).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('options.timeoutMs'),
      }),
    );
    expect(() => new MemoryCache({ max: 1, ttl: 1000, maxSize: 3 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => new MemoryCache({ max: null, ttl: 1000 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new MemoryCache({ ttl: 1000 })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_VALUE',
        message: expect.stringContaining('options.max'),
      }),
    );
  });
});

describe('ioredis major', () => {
  it('runs against the ioredis major the run asked for (IOREDIS_MAJOR, default 5), in the tests and the package alike', () => {
    const major = process.env.IOREDIS_MAJOR ?? '5';
    const require = createRequire(new URL('../src/redis-client.ts', import.meta.url));
    const path = realpathSync(require.resolve('ioredis'));
    expect(path).toContain(`ioredis@${major}.`);
    // The class the tests import is the one the package loads when it creates a connection.
    expect((require('ioredis') as { Redis: unknown }).Redis).toBe(ImportedRedis);
  });
});
