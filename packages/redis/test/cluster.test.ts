// The same tiers on a real 3-master Redis Cluster started by the global setup.
import { RedisCache, TieredCache } from '@leakproof/redis';
import { type Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { clusterSlot } from '../src/cluster-slot.js';
import {
  clusterPorts,
  connectCluster,
  expectEveryKeyHasTtl,
  noDeadlines,
  uniqueNamespace,
} from './setup/redis.js';
import { describeTierConformance } from './setup/tier-conformance.js';
import { readIntoL1, waitFor } from './setup/wait.js';

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

/** A key of the namespace whose slot lives on `master` (by index in `cluster.nodes('master')`). */
async function keyOnMaster(namespace: string, master: Redis): Promise<string> {
  const [host, port] = [master.options.host, master.options.port];
  const slots = (await cluster.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
  for (let i = 0; ; i++) {
    const slot = clusterSlot(`${namespace}:k${i}`);
    const range = slots.find(([from, to]) => slot >= from && slot <= to);
    if (range !== undefined && range[2][0] === host && range[2][1] === port) return `k${i}`;
  }
}

async function trackersOn(node: Redis, namespace: string): Promise<string[]> {
  const list = (await node.client('LIST')) as string;
  return list
    .split('\n')
    .filter((l) => l.includes(` name=leakproof-tracking:${namespace}:`))
    .map((l) => /\bid=(\d+)/.exec(l)?.[1])
    .filter((id): id is string => id !== undefined);
}

/** Two instances over their own RedisCaches (so their own trackers), as two processes. */
async function pair(label: string) {
  const namespace = ns(label);
  const l2a = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000, ...noDeadlines });
  const l2b = new RedisCache<number>({ redis: cluster, namespace, ttl: 30_000, ...noDeadlines });
  const a = new TieredCache<number>({ l1: { max: 100 }, l2: l2a });
  const b = new TieredCache<number>({ l1: { max: 100 }, l2: l2b });
  await waitFor(() => a.l1Active && b.l1Active, 'both to track every master');
  return {
    namespace,
    a,
    b,
    async [Symbol.asyncDispose]() {
      await a.close();
      await b.close();
      await l2a.close();
      await l2b.close();
    },
  };
}

describe('TieredCache on a Cluster', () => {
  it('tracks every master: a write to a key on any master, by anyone, drops it from every L1', async () => {
    await using p = await pair('ctrack');
    const masters = cluster.nodes('master');
    for (const master of masters) expect(await trackersOn(master, p.namespace)).toHaveLength(2);
    for (const master of masters) {
      const key = await keyOnMaster(p.namespace, master);
      await p.a.set(key, 1);
      await readIntoL1(p.b, key);
      await readIntoL1(p.a, key);
      await cluster.set(`${p.namespace}:${key}`, '2', 'PX', 30_000); // a raw write
      await waitFor(
        () => p.a.getLocal(key) === undefined && p.b.getLocal(key) === undefined,
        `both to drop ${key}`,
      );
      expect(await p.b.get(key)).toBe(2);
    }
  });

  it('flushes L1 when a master’s tracking connection is killed, and resumes', async () => {
    await using p = await pair('ckill');
    const master = cluster.nodes('master')[1]!;
    const key = await keyOnMaster(p.namespace, master);
    await p.a.set(key, 1);
    await readIntoL1(p.b, key);
    const ids = await trackersOn(master, p.namespace);
    expect(ids).toHaveLength(2);
    for (const id of ids) await master.client('KILL', 'ID', id);
    await waitFor(() => p.b.stats().l1Flushes >= 1, 'b to notice');
    expect(p.b.getLocal(key)).toBeUndefined();
    await p.a.set(key, 2);
    expect(await p.b.get(key)).toBe(2);
    await waitFor(() => p.b.l1Active, 'b to track again');
    await readIntoL1(p.b, key);
    await p.a.set(key, 3);
    await waitFor(() => p.b.getLocal(key) === undefined, 'b to receive again');
    expect(await p.b.get(key)).toBe(3);
  });

  it('stays coherent when resharding moves a key’s slot to another master', async () => {
    await using p = await pair('creshard');
    const masters = cluster.nodes('master');
    const src = masters[2]!;
    const dst = masters[1]!;
    const key = await keyOnMaster(p.namespace, src);
    await p.a.set(key, 1);
    await readIntoL1(p.b, key);

    const slot = clusterSlot(`${p.namespace}:${key}`);
    const [srcId, dstId] = [String(await src.cluster('MYID')), String(await dst.cluster('MYID'))];
    await dst.cluster('SETSLOT', slot, 'IMPORTING', srcId);
    await src.cluster('SETSLOT', slot, 'MIGRATING', dstId);
    for (;;) {
      const keys = (await src.cluster('GETKEYSINSLOT', slot, 100)) as string[];
      if (keys.length === 0) break;
      await src.migrate(dst.options.host!, dst.options.port!, '', 0, 5000, 'KEYS', ...keys);
    }
    for (const m of masters) await m.cluster('SETSLOT', slot, 'NODE', dstId);

    // The key now lives on dst: a write there (following MOVED) reaches both L1s.
    await readIntoL1(p.b, key);
    await cluster.set(`${p.namespace}:${key}`, '2', 'PX', 30_000);
    await waitFor(
      () => p.a.getLocal(key) === undefined && p.b.getLocal(key) === undefined,
      'both to drop the key written on its new master',
    );
    expect(await p.b.get(key)).toBe(2);
    expect(await p.a.get(key)).toBe(2);
  });

  it('stays coherent across a failover (CLUSTER FAILOVER on a replica): trackers move to the new master', async () => {
    await using p = await pair('cfailover');
    const replicaPort = inject('redisClusterReplicaPort');
    const replica = new Redis({ host: '127.0.0.1', port: replicaPort });
    replica.on('error', () => {});
    const [, masterHost, masterPort] = (await replica.role()) as [string, string, number];
    const oldMaster = cluster.nodes('master').find((m) => m.options.port === masterPort)!;
    expect(oldMaster, `the master of the replica (${masterHost}:${masterPort})`).toBeDefined();
    const key = await keyOnMaster(p.namespace, oldMaster);
    await p.a.set(key, 1);
    await readIntoL1(p.b, key);
    const flushes = p.b.stats().l1Flushes;

    await replica.cluster('FAILOVER');
    await waitFor(
      async () => ((await replica.role()) as string[])[0] === 'master',
      'the replica to take over',
    );
    // The other nodes learn of the takeover by gossip, some time later: until every node
    // says the replica serves the key's slot, a slot refresh (which asks any one node) may
    // still read the old map. Wait for that state, not for a proxy of it.
    const slot = clusterSlot(`${p.namespace}:${key}`);
    const nodes = [...clusterPorts(), replicaPort].map((port) => {
      const node = new Redis({ host: '127.0.0.1', port });
      node.on('error', () => {});
      return node;
    });
    try {
      await waitFor(async () => {
        for (const node of nodes) {
          const slots = (await node.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>;
          const range = slots.find(([from, to]) => slot >= from && slot <= to);
          if (range?.[2][1] !== replicaPort) return false;
        }
        return true;
      }, 'every node to say the replica now serves the slot');
    } finally {
      for (const node of nodes) node.disconnect();
    }
    // The cluster client learns the new topology (MOVED, then a slot refresh) on this write.
    await cluster.set(`${p.namespace}:${key}`, '2', 'PX', 30_000);
    await waitFor(
      () => p.b.getLocal(key) === undefined && p.a.getLocal(key) === undefined,
      'both to drop the key written on the new master',
    );
    expect(await p.b.get(key)).toBe(2);
    await waitFor(
      async () => (await trackersOn(replica, p.namespace)).length === 2 && p.a.l1Active && p.b.l1Active,
      'both to track the new master',
    );
    expect(p.b.stats().l1Flushes).toBeGreaterThan(flushes);
    await readIntoL1(p.b, key);
    await cluster.set(`${p.namespace}:${key}`, '3', 'PX', 30_000);
    await waitFor(() => p.b.getLocal(key) === undefined, 'b to drop the key again');
    expect(await p.b.get(key)).toBe(3);
    replica.disconnect();
  });
});
