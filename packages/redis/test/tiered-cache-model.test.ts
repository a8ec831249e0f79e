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

/** Each instance's count of invalidations received, before a command writes. */
function received(real: Real): number[] {
  return real.caches.map((c) => c.stats().invalidationsReceived);
}

/**
 * Waits until the write's invalidation reached both instances: the other one (so it drops its
 * copy) and the writer itself (Redis tells every tracking connection, the writer's too). An
 * echo of the writer's own write still in flight would land in a later command, and a load
 * it overlaps (rightly) keeps its value out of L2 — seen once, as a later wait that never ended.
 */
async function delivered(real: Real, before: readonly number[]): Promise<void> {
  await waitFor(
    () => real.caches.every((c, i) => c.stats().invalidationsReceived > before[i]!),
    'the invalidation to reach both instances',
  );
}

const commands = [
  fc.tuple(who, key, fc.integer({ min: 0, max: 99 })).map(([w, k, v]) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      const before = received(r);
      await r.caches[w]!.set(k, v);
      m.set(k, v);
      await delivered(r, before);
    },
    toString: () => `#${w}.set(${k}, ${v})`,
  })),
  fc.tuple(who, key).map(([w, k]) => ({
    check: () => true,
    run: async (m: Model, r: Real) => {
      const before = received(r);
      const had = m.delete(k);
      expect(await r.caches[w]!.delete(k)).toBe(had);
      // Deleting a missing key changes nothing in Redis, so nothing is announced.
      if (had) await delivered(r, before);
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
      const before = received(r);
      expect(await r.caches[w]!.getOrLoad(k, () => v)).toBe(had ? m.get(k) : v);
      if (!had) {
        m.set(k, v);
        await delivered(r, before); // a load writes L2, which Redis reports too
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
