// Connections and namespaces for the redis tests.
import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { expect, inject } from 'vitest';
import { immortalKeysOn, TEST_PREFIX } from './sweep.js';

/** The shared test Redis URL, or a failure saying how to get one. */
export function redisUrl(): string {
  const missing = process.env.LEAKPROOF_NO_REDIS;
  if (missing !== undefined) throw new Error(missing);
  const url = process.env.REDIS_URL;
  if (url === undefined) throw new Error('REDIS_URL is not set: the redis global setup did not run');
  return url;
}

/** A namespace no other test (or parallel run) uses. */
export function uniqueNamespace(label: string): string {
  return `${TEST_PREFIX}${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A clock that never moves, for `RedisCache({ clock })` in tests that do not test deadlines:
 * no command then fails because a loaded runner stalled past its deadline (tests of deadlines
 * move their own clock). A cache's own breaker follows it too: give the breaker `now` where
 * an outage must end.
 */
export const stoppedClock = Object.freeze({ now: () => 0 });

/** `RedisCache` options for tests that do not test deadlines: the stopped clock, a breaker on real time. */
export const noDeadlines = Object.freeze({
  clock: stoppedClock,
  breaker: Object.freeze({ now: () => performance.now() }),
});

/** A plain connection to the shared test Redis; the caller quits it. */
export function connectRedis(): Redis {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  return redis;
}

/** Ports of the private cluster, or a failure saying why there is none. */
export function clusterPorts(): number[] {
  const ports = inject('redisClusterPorts');
  if (ports.length === 0)
    throw new Error(inject('redisClusterError') || 'the private Redis Cluster is not running');
  return ports;
}

/** A connection to the private cluster; the caller quits it. */
export function connectCluster(options: ConstructorParameters<typeof Cluster>[1] = {}): Cluster {
  const cluster = new Cluster(
    clusterPorts().map((port) => ({ host: '127.0.0.1', port })),
    { ...options },
  );
  cluster.on('error', () => {});
  return cluster;
}

/**
 * Asserts every key under `namespace` has a TTL (SCAN + PTTL on every master), then
 * removes the namespace's keys.
 */
export async function expectEveryKeyHasTtl(client: Redis | Cluster, namespace: string): Promise<void> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const immortal: string[] = [];
  for (const node of nodes) {
    immortal.push(...(await immortalKeysOn(node, `${namespace}:*`)));
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${namespace}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) await node.unlink(key);
    } while (cursor !== '0');
  }
  expect(immortal, 'keys written without a TTL').toEqual([]);
}
