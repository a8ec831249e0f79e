// The one conformance suite every CacheTier runs: MemoryCache, RedisCache on one server,
// RedisCache on a Cluster. A tier that passes it can stand in for any other.

import type { CacheTier } from '@leakproof/redis';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

/** How the suite gets a fresh, empty tier. */
export interface TierFactory {
  /** A new tier over its own namespace. */
  create(options: { ttl: number; maxValueBytes?: number }): CacheTier<unknown>;
  /** Runs after each tier the suite made is closed (for the TTL sweep). */
  afterTier?(tier: CacheTier<unknown>): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function describeTierConformance(label: string, factory: TierFactory): void {
  describe(`CacheTier conformance: ${label}`, () => {
    const made: CacheTier<unknown>[] = [];
    const tier = (options: { ttl?: number; maxValueBytes?: number } = {}) => {
      const t = factory.create({
        ttl: options.ttl ?? 60_000,
        ...(options.maxValueBytes ? { maxValueBytes: options.maxValueBytes } : {}),
      });
      made.push(t);
      return t;
    };
    afterAll(async () => {
      for (const t of made) {
        await t.close();
        await factory.afterTier?.(t);
      }
    });

    it('misses with undefined, then returns a copy of what was set', async () => {
      const t = tier();
      expect(await t.get('a')).toBeUndefined();
      const value = { n: 1, list: [1, 'two', null], nested: { ok: true } };
      await t.set('a', value);
      const read = await t.get('a');
      expect(read).toEqual(value);
      expect(read).not.toBe(value);
      expect(await t.has('a')).toBe(true);
      expect(await t.has('b')).toBe(false);
    });

    it('stores null, numbers, strings, booleans and the empty-string key', async () => {
      const t = tier();
      for (const [k, v] of [
        ['null', null],
        ['zero', 0],
        ['s', ''],
        ['f', false],
        ['', 'empty key'],
      ] as const) {
        await t.set(k, v);
        expect(await t.get(k)).toEqual(v);
      }
    });

    it('overwrites, deletes (true once, then false)', async () => {
      const t = tier();
      await t.set('k', 1);
      await t.set('k', 2);
      expect(await t.get('k')).toBe(2);
      expect(await t.delete('k')).toBe(true);
      expect(await t.delete('k')).toBe(false);
      expect(await t.get('k')).toBeUndefined();
    });

    it('getMany returns values in order with undefined for misses; setMany stores every entry', async () => {
      const t = tier();
      expect(await t.getMany([])).toEqual([]);
      await t.setMany([
        ['x', 1],
        ['y', { y: true }],
        ['z', 'zed'],
      ]);
      expect(await t.getMany(['z', 'missing', 'x', 'y', 'x'])).toEqual(['zed', undefined, 1, { y: true }, 1]);
      await t.setMany([]);
    });

    it('expires entries after the tier ttl and after a per-call ttl', async () => {
      const t = tier({ ttl: 40 });
      await t.set('short', 1);
      await t.set('long', 2, { ttl: 60_000 });
      await t.setMany([['many', 3]], { ttl: 40 });
      await sleep(120);
      expect(await t.get('short')).toBeUndefined();
      expect(await t.get('many')).toBeUndefined();
      expect(await t.has('short')).toBe(false);
      expect(await t.get('long')).toBe(2);
    });

    it('clear() removes this tier’s entries and no other tier’s', async () => {
      const a = tier();
      const b = tier();
      await a.setMany(Array.from({ length: 600 }, (_, i) => [`k${i}`, i] as const));
      await b.set('k1', 'b');
      await a.clear();
      expect(await a.getMany(['k0', 'k1', 'k599'])).toEqual([undefined, undefined, undefined]);
      expect(await b.get('k1')).toBe('b');
    });

    it('rejects undefined values, oversized values and bad ttl with argument errors, storing nothing', async () => {
      const t = tier({ maxValueBytes: 64 });
      await expect(t.set('u', undefined)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
      await expect(t.set('big', 'x'.repeat(65))).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      // Multi-byte characters count in bytes, not string length.
      await expect(t.set('wide', 'é'.repeat(40))).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await expect(
        t.setMany([
          ['ok', 1],
          ['big', 'x'.repeat(100)],
        ]),
      ).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await expect(t.set('t', 1, { ttl: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await expect(t.set('t', 1, { ttl: 1.5 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
      await expect(t.get(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
      expect(await t.getMany(['u', 'big', 'wide', 'ok', 't'])).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      await t.set('fits', 'x'.repeat(62)); // '"' + 62 + '"' = 64 bytes
      expect(await t.get('fits')).toBe('x'.repeat(62));
    });

    it('rejects every call with ERR_DISPOSED after close(), which is idempotent', async () => {
      const t = tier();
      await t.set('a', 1);
      await Promise.all([t.close(), t.close()]);
      await t[Symbol.asyncDispose]();
      await expect(t.get('a')).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
      await expect(t.set('a', 1)).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
      await expect(t.clear()).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    });

    it('behaves like a Map model under random command sequences', async () => {
      const key = fc.constantFrom('a', 'b', 'c', 'd', '');
      const value = fc.oneof(
        fc.integer(),
        fc.string({ maxLength: 8 }),
        fc.constant(null),
        fc.array(fc.integer(), { maxLength: 3 }),
      );
      type Model = Map<string, unknown>;
      type Real = CacheTier<unknown>;
      const commands = [
        key.chain((k) =>
          value.map((v) => ({
            check: () => true,
            run: async (m: Model, r: Real) => {
              await r.set(k, v);
              m.set(k, v);
            },
            toString: () => `set(${JSON.stringify(k)}, ${JSON.stringify(v)})`,
          })),
        ),
        key.map((k) => ({
          check: () => true,
          run: async (m: Model, r: Real) => {
            expect(await r.get(k)).toEqual(m.get(k));
          },
          toString: () => `get(${JSON.stringify(k)})`,
        })),
        key.map((k) => ({
          check: () => true,
          run: async (m: Model, r: Real) => {
            expect(await r.delete(k)).toBe(m.delete(k));
          },
          toString: () => `delete(${JSON.stringify(k)})`,
        })),
        key.map((k) => ({
          check: () => true,
          run: async (m: Model, r: Real) => {
            expect(await r.has(k)).toBe(m.has(k));
          },
          toString: () => `has(${JSON.stringify(k)})`,
        })),
        fc.array(key, { maxLength: 4 }).map((ks) => ({
          check: () => true,
          run: async (m: Model, r: Real) => {
            expect(await r.getMany(ks)).toEqual(ks.map((k) => m.get(k)));
          },
          toString: () => `getMany(${JSON.stringify(ks)})`,
        })),
        fc.constant({
          check: () => true,
          run: async (m: Model, r: Real) => {
            await r.clear();
            m.clear();
          },
          toString: () => 'clear()',
        }),
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
          const real = tier();
          await fc.asyncModelRun(() => ({ model: new Map(), real }), cmds);
        }),
        { numRuns: 15 },
      );
    });
  });
}
