// Internal: the few facts about ioredis clients the package relies on, and the creation of
// connections it owns. ioredis is an optional peer dependency, loaded only when a
// connection has to be created from a URL or options.
import { createRequire } from 'node:module';
import type { Cluster, Redis, RedisOptions } from 'ioredis';
import { missingPeer } from './errors.js';

/** An ioredis client: a single `Redis` connection or a `Cluster` (internal: the public types never name ioredis). */
export type RedisClient = Redis | Cluster;

/**
 * An ioredis `Redis` or `Cluster`, as the public types describe it: structurally, so that
 * the package's declarations compile in a project without ioredis installed. Your ioredis
 * 5 or 6 client satisfies it.
 */
export interface RedisConnection {
  readonly status: string;
  readonly isCluster: boolean;
  duplicate(...args: never[]): unknown;
  quit(...args: never[]): Promise<unknown>;
}

/**
 * What `redis` options accept: your client (never closed by the cache), a `redis://` URL,
 * or ioredis options (an object) for a connection the cache creates and closes.
 */
export type RedisInput = RedisConnection | string | object;

type IoredisModule = typeof import('ioredis');

let ioredis: IoredisModule | undefined;

function loadIoredis(): IoredisModule {
  if (ioredis !== undefined) return ioredis;
  try {
    // Resolved from this package (the CJS build shims import.meta.url), never from a global `require`.
    ioredis = createRequire(import.meta.url)('ioredis') as IoredisModule;
  } catch (error) {
    throw missingPeer(error);
  }
  return ioredis;
}

/**
 * Connection settings we always apply to connections we create: no offline queue (a call
 * made while disconnected fails at once instead of waiting in an unbounded queue), and
 * commands in flight when a connection drops fail instead of being retried later.
 */
export const OWNED_DEFAULTS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  connectTimeout: 2000,
  // Reconnect with capped backoff; never give up (the breaker keeps calls fast meanwhile).
  retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
};

/** True when `value` looks like an ioredis `Redis` or `Cluster`. */
export function isRedisClient(value: unknown): value is RedisClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { duplicate?: unknown }).duplicate === 'function' &&
    typeof (value as { status?: unknown }).status === 'string' &&
    typeof (value as { isCluster?: unknown }).isCluster === 'boolean'
  );
}

/** True for an ioredis `Cluster`. */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean | undefined }).isCluster === true;
}

/**
 * Settings a connection the cache creates gets unless its ioredis options say otherwise:
 * auto-pipelining, so that the commands of concurrent calls made in one tick leave in one
 * socket write instead of one write each (the socket write, not the package's code, is most
 * of an L2 hit's cost with many calls in flight; see benchmarks/redis).
 */
export const OWNED_OVERRIDABLE: RedisOptions = {
  enableAutoPipelining: true,
};

/** Creates a `Redis` connection we own from a URL or ioredis options. */
export function createClient(input: string | RedisOptions, extra: RedisOptions = {}): Redis {
  const { Redis: RedisCtor } = loadIoredis();
  return typeof input === 'string'
    ? new RedisCtor(input, { ...OWNED_OVERRIDABLE, ...OWNED_DEFAULTS, ...extra })
    : new RedisCtor({ ...OWNED_OVERRIDABLE, ...input, ...OWNED_DEFAULTS, ...extra });
}

/** The masters to visit for a keyspace-wide operation: every master of a Cluster, or the one connection. */
export function masters(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/** Closes a connection we own: QUIT with a deadline, then a hard disconnect. Never rejects. */
export async function closeClient(client: RedisClient, timeoutMs = 1000): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  let onEnd: (() => void) | undefined;
  try {
    // QUIT resolves on the server's OK; the socket closes (status `end`) a moment later.
    const ended = new Promise<void>((resolve) => client.once('end', (onEnd = resolve)));
    await Promise.race([
      client.quit().then(() => ended),
      // Ref'd: close() awaits it; cleared below as soon as either side settles.
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Closing anyway.
  } finally {
    clearTimeout(timer);
    if (onEnd !== undefined) client.off('end', onEnd);
    if ((client.status as string) !== 'end') client.disconnect();
  }
}
