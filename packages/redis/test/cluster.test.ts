// The same tiers on a real 3-master Redis Cluster started by the global setup.
import { RedisCache, TieredCache } from '@leakproof/redis';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterSlot } from '../src/cluster-slot.js';
import { connectCluster, expectEveryKeyHasTtl, uniqueNamespace } from './setup/redis.js';
import { describeTierConformance } from './setup/tier-conformance.js';
import { waitFor } from './setup/wait.js';

let cluster: Cluster;
const namespaces: string[] = [];
const ns = (label: string) => {
  const n = uniqueNamespace(label);
  namespaces.push(n);
  return n;
};

beforeAll(async () => {
  cluster = connectCluster();
  await waitFor(() => cluster.status === 'ready', 'the cluster connection');
});

afterAll(async () => {
  for (const n of namespaces) await expectEveryKeyHasTtl(cluster, n);
  await cluster.quit();
});

describeTierConformance('RedisCache on a Cluster', {
  create: ({ ttl, maxValueBytes }) =>
    new RedisCache({
      redis: cluster,
      namespace: ns('cconf'),
      ttl,
      ...(maxValueBytes ? { maxValueBytes } : {}),
    }),
});

describe('RedisCache on a Cluster', () => {
  it('computes hash slots the way the cluster does', async () => {
    for (const key of ['a', 'user:1000', '{user1000}.following', 'foo{}{bar}', '', 'é']) {
      expect(clusterSlot(key), key).toBe(Number(await cluster.cluster('KEYSLOT', key)));
    }
  });

  it('clear() scans every master, and the keys really were on every master', async () => {
    const namespace = ns('cclear');
    await using cache = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000, scanCount: 10 });
    await cache.setMany(Array.from({ length: 300 }, (_, i) => [`k${i}`, i] as const));
    const masters = cluster.nodes('master');
    expect(masters).toHaveLength(3);
    const perMaster = await Promise.all(
      masters.map(async (m) => (await m.scan('0', 'MATCH', `${namespace}:*`, 'COUNT', 1000))[1].length),
    );
    expect(perMaster.every((n) => n > 0)).toBe(true);
    expect(await cache.getMany(['k0', 'k150', 'k299'])).toEqual([0, 150, 299]);
    await cache.clear();
    const after = await Promise.all(
      masters.map(async (m) => (await m.scan('0', 'MATCH', `${namespace}:*`, 'COUNT', 1000))[1].length),
    );
    expect(after).toEqual([0, 0, 0]);
  });
});

describe('TieredCache on a Cluster', () => {
  for (const sharded of ['auto', false] as const) {
    it(`propagates invalidations between instances (sharded: ${sharded})`, async () => {
      const namespace = ns(`cbus-${sharded}`);
      await using l2 = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000 });
      await using a = new TieredCache<number>({ l1: { max: 100 }, l2, bus: { sharded } });
      await using b = new TieredCache<number>({ l1: { max: 100 }, l2, bus: { sharded } });
      await waitFor(() => a.l1Active && b.l1Active, 'both subscriptions');
      await a.set('k', 1);
      await waitFor(() => b.stats().invalidationsReceived === 1, 'b to receive the first invalidation');
      expect(await b.get('k')).toBe(1);
      expect(b.getLocal('k')).toBe(1);
      await a.set('k', 2);
      await waitFor(() => b.getLocal('k') === undefined, 'b to drop k');
      expect(await b.get('k')).toBe(2);
    });
  }

  it('uses sharded pub/sub on Redis 7 (SSUBSCRIBE on the master owning the channel)', async () => {
    const namespace = ns('cshard');
    await using l2 = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000 });
    await using cache = new TieredCache<number>({ l1: { max: 100 }, l2 });
    await waitFor(() => cache.l1Active, 'the subscription');
    const channel = `${namespace}:__invalidate`;
    const counts = await Promise.all(
      cluster
        .nodes('master')
        .map(async (m) => Number(((await m.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1])),
    );
    expect(counts.reduce((x, y) => x + y, 0)).toBe(1);
  });

  it('flushes L1 when the cluster subscriber is killed, and resumes', async () => {
    const namespace = ns('ckill');
    await using l2 = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000 });
    await using a = new TieredCache<number>({ l1: { max: 100 }, l2 });
    await using b = new TieredCache<number>({ l1: { max: 100 }, l2 });
    await waitFor(() => a.l1Active && b.l1Active, 'both subscriptions');
    await a.set('k', 1);
    await waitFor(() => b.stats().invalidationsReceived === 1, 'b to receive the first invalidation');
    await b.get('k');
    expect(b.getLocal('k')).toBe(1);
    const name = `leakproof-bus:${namespace}:__invalidate:${b.instanceId}`;
    let killed = 0;
    for (const master of cluster.nodes('master')) {
      const list = (await master.client('LIST')) as string;
      const id = /\bid=(\d+)\b[^\n]*/.exec(
        list.split('\n').find((l) => l.includes(` name=${name} `)) ?? '',
      )?.[1];
      if (id !== undefined) killed += Number(await master.client('KILL', 'ID', id));
    }
    expect(killed).toBe(1);
    await waitFor(() => b.stats().l1Flushes === 1, 'b to notice');
    expect(b.getLocal('k')).toBeUndefined();
    await a.set('k', 2);
    expect(await b.get('k')).toBe(2);
    await waitFor(() => b.l1Active, 'b to resubscribe');
    await a.set('k', 3);
    await waitFor(
      () => b.stats().invalidationsReceived >= 2 && b.getLocal('k') === undefined,
      'b to receive again',
    );
    expect(await b.get('k')).toBe(3);
  });

  it('follows the channel when resharding moves its slot to another master', async () => {
    const namespace = ns('creshard');
    await using l2 = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000 });
    await using a = new TieredCache<number>({ l1: { max: 100 }, l2 });
    await using b = new TieredCache<number>({ l1: { max: 100 }, l2 });
    await waitFor(() => a.l1Active && b.l1Active, 'both subscriptions');
    await a.set('k', 1);
    await waitFor(() => b.stats().invalidationsReceived === 1, 'b to receive the first invalidation');
    await b.get('k');
    expect(b.getLocal('k')).toBe(1);

    const channel = `${namespace}:__invalidate`;
    const slot = clusterSlot(channel);
    const masters = cluster.nodes('master');
    const ids = await Promise.all(masters.map(async (m) => String(await m.cluster('MYID'))));
    const owners = await Promise.all(
      masters.map(async (m) =>
        Number(((await m.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]),
      ),
    );
    const from = owners.indexOf(2);
    expect(from).toBeGreaterThanOrEqual(0);
    const to = (from + 1) % masters.length;
    const [src, dst] = [masters[from]!, masters[to]!];
    await dst.cluster('SETSLOT', slot, 'IMPORTING', ids[from]!);
    await src.cluster('SETSLOT', slot, 'MIGRATING', ids[to]!);
    for (;;) {
      const keys = (await src.cluster('GETKEYSINSLOT', slot, 100)) as string[];
      if (keys.length === 0) break;
      await src.migrate(dst.options.host!, dst.options.port!, '', 0, 5000, 'KEYS', ...keys);
    }
    for (const m of masters) await m.cluster('SETSLOT', slot, 'NODE', ids[to]!);

    // The old master unsubscribed both: L1 flushed, then both subscribe again on the new one.
    const state = () => JSON.stringify({ a: a.stats(), b: b.stats() });
    await waitFor(
      () => b.stats().l1Flushes >= 1,
      () => `b to notice the unsubscribe (${state()})`,
      10_000,
    );
    expect(b.getLocal('k')).toBeUndefined();
    await waitFor(
      async () => {
        const reply = (await dst.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number];
        return Number(reply[1]) === 2 && a.l1Active && b.l1Active;
      },
      () => `both to subscribe on the new master (${state()})`,
      10_000,
    );
    await b.get('k');
    await a.set('k', 2);
    await waitFor(() => b.getLocal('k') === undefined, 'b to receive invalidations from the new master');
    expect(await b.get('k')).toBe(2);
  });
});
