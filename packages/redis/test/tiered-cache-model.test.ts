// Model-based: two TieredCache instances over one Redis namespace behave like one Map, once
// each write's invalidation has been delivered (the consistency CLIENT TRACKING gives).
import { RedisCache, TieredCache } from '@leakproof/redis';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { connectRedis, expectEveryKeyHasTtl, noDeadlines, uniqueNamespace } from './setup/redis.js';
import { waitFor } from './setup/wait.js';

const redis = connectRedis();
const namespaces: string[] = [];

afterAll(async () => {
  for (const n of namespaces) await expectEveryKeyHasTtl(redis, n);
  await redis.quit();
});

interface Real {
  caches: [TieredCache<number>, TieredCache<number>];
}
type Model = Map<string, number>;

const key = fc.constantFrom('a', 'b', 'c');
const who = fc.constantFrom(0, 1);

async function delivered(real: Real, writer: number, before: number): Promise<void> {
  const other = real.caches[1 - writer]!;
  await waitFor(() => other.stats().invalidationsReceived > before, 'the invalidation to arrive');
}

const commands = [
  fc.tuple(who, key, fc.integer({ min: 0, max: 99 })).map(([w, k, v]) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      const before = r.caches[1 - w]!.stats().invalidationsReceived;
      await r.caches[w]!.set(k, v);
      m.set(k, v);
      await delivered(r, w, before);
    },
    toString: () => `#${w}.set(${k}, ${v})`,
  })),
  fc.tuple(who, key).map(([w, k]) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      const before = r.caches[1 - w]!.stats().invalidationsReceived;
      const had = m.delete(k);
      expect(await r.caches[w]!.delete(k)).toBe(had);
      // Deleting a missing key changes nothing in Redis, so nothing is announced.
      if (had) await delivered(r, w, before);
    },
    toString: () => `#${w}.delete(${k})`,
  })),
  fc.tuple(who, key).map(([w, k]) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      expect(await r.caches[w]!.get(k)).toBe(m.get(k));
    },
    toString: () => `#${w}.get(${k})`,
  })),
  fc.tuple(who, key, fc.integer({ min: 100, max: 199 })).map(([w, k, v]) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      const had = m.has(k);
      const before = r.caches[1 - w]!.stats().invalidationsReceived;
      expect(await r.caches[w]!.getOrLoad(k, () => v)).toBe(had ? m.get(k) : v);
      if (!had) {
        m.set(k, v);
        await delivered(r, w, before); // a load writes L2, which Redis reports too
      }
    },
    toString: () => `#${w}.getOrLoad(${k}, () => ${v})`,
  })),
];

it('two instances read what a single Map would hold', async () => {
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 20 }), async (cmds) => {
      const namespace = uniqueNamespace('model');
      namespaces.push(namespace);
      // Each instance over its own RedisCache (its own tracking connection), as two processes.
      const tiers = [0, 1].map(
        () => new RedisCache<number>({ redis, namespace, ttl: 30_000, ...noDeadlines }),
      );
      const caches: [TieredCache<number>, TieredCache<number>] = [
        new TieredCache<number>({ l1: { max: 2 }, l2: tiers[0]! }),
        new TieredCache<number>({ l1: { max: 2 }, l2: tiers[1]! }),
      ];
      try {
        await waitFor(() => caches.every((c) => c.l1Active), 'both subscriptions');
        await fc.asyncModelRun(() => ({ model: new Map(), real: { caches } }), cmds);
      } finally {
        await Promise.all(caches.map((c) => c.close()));
        await Promise.all(tiers.map((t) => t.close()));
      }
    }),
    { numRuns: 12 },
  );
});
