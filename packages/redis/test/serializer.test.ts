import { jsonSerializer, RedisCache, safeJsonParse } from '@leakproof/redis';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis, expectEveryKeyHasTtl, uniqueNamespace } from './setup/redis.js';

const hostile = [
  '{"__proto__":{"polluted":true},"a":1}',
  '{"a":{"__proto__":{"polluted":true}}}',
  '{"\\u005f_proto__":{"polluted":true}}',
  '{"\\u005f\\u005f\\u0070roto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '[{"nested":[{"__proto__":{"polluted":true}}]}]',
];

function merge(target: Record<string, unknown>, source: unknown): void {
  // The naive deep merge that turns a parsed `__proto__` key into prototype pollution.
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    if (typeof v === 'object' && v !== null) {
      if (typeof target[k] !== 'object' || target[k] === null) target[k] = {};
      merge(target[k] as Record<string, unknown>, v);
    } else target[k] = v;
  }
}

describe('safeJsonParse', () => {
  it('drops __proto__ and constructor.prototype at any depth, however they are spelled', () => {
    for (const text of hostile) {
      const parsed = safeJsonParse(text);
      const target: Record<string, unknown> = {};
      merge(target, parsed);
      expect(({} as Record<string, unknown>).polluted, text).toBeUndefined();
      expect(JSON.stringify(parsed), text).not.toContain('polluted');
    }
    expect(safeJsonParse('{"__proto__":1,"a":1}')).toEqual({ a: 1 });
    // What the plain parser does, for contrast: the key survives and a merge pollutes.
    const unsafe = JSON.parse(hostile[0]!);
    expect(Object.keys(unsafe)).toContain('__proto__');
  });

  it('keeps harmless look-alikes and equals JSON.parse on ordinary JSON', () => {
    expect(safeJsonParse('{"constructor":"x","proto":1,"prototype":{"a":1},"s":"\\u00e9"}')).toEqual({
      constructor: 'x',
      proto: 1,
      prototype: { a: 1 },
      s: 'é',
    });
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        // fast-check does generate `__proto__` keys: those are the ones dropped on purpose.
        fc.pre(!text.includes('"__proto__"') && !text.includes('"constructor"'));
        expect(safeJsonParse(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('rejects what JSON cannot represent at serialize time', () => {
    expect(() => jsonSerializer.serialize(undefined)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => jsonSerializer.serialize(() => 1)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => jsonSerializer.serialize(10n)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => jsonSerializer.serialize(cycle)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});

describe('hostile JSON in Redis', () => {
  const redis = connectRedis();
  const namespace = uniqueNamespace('hostile');
  afterAll(async () => {
    await expectEveryKeyHasTtl(redis, namespace);
    await redis.quit();
  });

  it('what another writer planted cannot pollute prototypes through RedisCache.get', async () => {
    await using cache = new RedisCache<Record<string, unknown>>({ redis, namespace, ttl: 10_000 });
    for (const [i, text] of hostile.entries()) await redis.set(`${namespace}:h${i}`, text, 'PX', 10_000);
    const values = await cache.getMany(hostile.map((_, i) => `h${i}`));
    for (const value of values) merge({}, value);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await cache.get('h0')).toEqual({ a: 1 });
  });

  it('a value that is not JSON fails the read with a SyntaxError', async () => {
    await using cache = new RedisCache({ redis, namespace, ttl: 10_000 });
    await redis.set(`${namespace}:garbage`, '{not json', 'PX', 10_000);
    await expect(cache.get('garbage')).rejects.toBeInstanceOf(SyntaxError);
  });
});
