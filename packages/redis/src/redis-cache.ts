import { DisposedError, invalidArgType, type Registration, registerPrimitive } from '@leakproof/core';
import type { RedisOptions } from 'ioredis';
import { hitChannel, missChannel } from './channels.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { CommandGuard } from './command-guard.js';
import type { InvalidationPort } from './invalidation.js';
import { parseRedisCacheOptions } from './options.js';
import {
  closeClient,
  createClient,
  isCluster,
  isRedisClient,
  masters,
  type RedisClient,
  type RedisConnection,
  type RedisInput,
} from './redis-client.js';
import { jsonSerializer, type Serializer } from './serializer.js';
import type { CacheTier, TierSetOptions } from './tier.js';
import { TrackingPort } from './tracking.js';
import { callTtl, validateKey } from './validate.js';
import { decodeValue, encodeValue } from './value-codec.js';

export { MAX_REDIS_VALUE_BYTES } from './options.js';

/** Options of {@link RedisCache}. */
export interface RedisCacheOptions<V> {
  /**
   * The connection: your ioredis `Redis` or `Cluster` (used as is and never closed by the
   * cache — disable or bound its offline queue yourself, see the README), or a URL / ioredis
   * options from which the cache creates (and on close, closes) its own connection with no
   * offline queue.
   */
  readonly redis: RedisInput;
  /**
   * Prefix of every key (`<namespace>:<key>`) and name of the invalidation channel. 1..200
   * characters, no whitespace, glob characters (`* ? [ ] \`) or braces. `clear()` removes
   * every key under it, nested namespaces (`<namespace>:<sub>:...`) included.
   */
  readonly namespace: string;
  /** Time to live of every entry, in ms (required: Redis never fills with immortal keys). */
  readonly ttl: number;
  /** Largest serialized value accepted, in bytes. @default 1048576 (1 MiB) */
  readonly maxValueBytes?: number | undefined;
  /** How values become text and back. @default {@link jsonSerializer} (prototype-pollution safe) */
  readonly serializer?: Serializer<V> | undefined;
  /** Deadline of each command in ms; a call that misses it fails with `ERR_REDIS_UNAVAILABLE`. @default 1000 */
  readonly timeoutMs?: number | undefined;
  /** Most commands pending at once; more fail at once with `ERR_REDIS_UNAVAILABLE`. @default 10000 */
  readonly maxPending?: number | undefined;
  /** A breaker (shared or your own) or options for the cache's own. @default `{ failureThreshold: 5, cooldownMs: 1000 }` */
  readonly breaker?: CircuitBreaker | CircuitBreakerOptions | undefined;
  /** Keys per `SCAN`/`UNLINK` batch in `clear()`. @default 250 */
  readonly scanCount?: number | undefined;
  /** Name in stats, the registry and diagnostics events. */
  readonly name?: string | undefined;
  /**
   * Time source in ms for command deadlines (and the cache's own breaker, unless its options
   * give `now`). A deadline passes when this clock says so; tests pass a fake one so that no
   * command fails because a loaded machine stalled. @default performance
   */
  readonly clock?: { now(): number } | undefined;
}

/** Figures of a {@link RedisCache}. */
export type RedisCacheStats = {
  readonly hits: number;
  readonly misses: number;
  readonly sets: number;
  readonly deletes: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly rejected: number;
  readonly pending: number;
  /** 0 closed, 1 open, 2 half-open. */
  readonly breakerState: number;
};

/**
 * A namespaced cache on Redis (ioredis `Redis` or `Cluster`). Every key it writes has a
 * TTL, values are size-checked and serialized (JSON by default, safe against prototype
 * pollution), each command has a deadline, nothing waits in an offline queue, and a circuit
 * breaker fails calls fast while Redis is down. Satisfies {@link CacheTier}.
 *
 * @example
 * ```ts
 * await using products = new RedisCache<Product>({ redis: process.env.REDIS_URL!, namespace: 'products', ttl: 60_000 });
 * await products.set('42', { id: 42, name: 'Lamp' });
 * await products.get('42'); // { id: 42, name: 'Lamp' }
 * ```
 */
export class RedisCache<V> implements CacheTier<V> {
  /** The cache's name in stats, the registry and diagnostics events. */
  readonly name: string;
  /** The key prefix and channel name. */
  readonly namespace: string;
  /** Default TTL of entries in ms. */
  readonly ttl: number;
  /** Largest serialized value accepted, in bytes. */
  readonly maxValueBytes: number;
  /** The circuit breaker guarding this cache's commands. */
  readonly breaker: CircuitBreaker;
  /** The command deadline in ms. */
  readonly timeoutMs: number;
  readonly #client: RedisClient;
  readonly #owned: boolean;
  readonly #ownsBreaker: boolean;
  readonly #prefix: string;
  readonly #serializer: Serializer<V>;
  readonly #guard: CommandGuard;
  readonly #scanCount: number;
  readonly #registration: Registration;
  #closing: Promise<void> | undefined;
  #tracking: TrackingPort | undefined;
  #hits = 0;
  #misses = 0;
  #sets = 0;
  #deletes = 0;

  constructor(options: RedisCacheOptions<V>) {
    // Every option is checked before a connection is opened: a throw leaves nothing open.
    const o = parseRedisCacheOptions<V>(options);
    this.namespace = o.namespace;
    this.ttl = o.ttl;
    this.maxValueBytes = o.maxValueBytes;
    this.timeoutMs = o.timeoutMs;
    this.#scanCount = o.scanCount;
    this.#serializer = o.serializer;
    this.#prefix = `${this.namespace}:`;
    this.#registration = registerPrimitive(this, { kind: 'redis-cache', name: o.name });
    this.name = this.#registration.name;
    if (o.breaker instanceof CircuitBreaker) {
      this.breaker = o.breaker;
      this.#ownsBreaker = false;
    } else {
      this.breaker = new CircuitBreaker({
        ...o.breaker,
        name: o.breaker.name ?? `${this.name}:breaker`,
        now: o.breaker.now ?? (o.clock === undefined ? undefined : () => o.clock!.now()),
      });
      this.#ownsBreaker = true;
    }
    const input = o.redis;
    if (isRedisClient(input)) {
      this.#client = input;
      this.#owned = false;
    } else {
      try {
        this.#client = createClient(input as string | RedisOptions);
      } catch (error) {
        this.#registration.unregister();
        if (this.#ownsBreaker) this.breaker.dispose();
        throw error;
      }
      this.#owned = true;
      // A connection we own must never crash the process with an unhandled 'error' event.
      this.#client.on('error', () => {});
    }
    this.#guard = new CommandGuard(
      this.#client,
      this.breaker,
      this.timeoutMs,
      o.maxPending,
      `RedisCache ${this.name}`,
      o.clock,
    );
  }

  /**
   * The invalidation port: every change to a key of the namespace, by anyone (another
   * process, \`redis-cli\`, a Lua script, expiry, eviction, \`FLUSHDB\`), through Redis'
   * \`CLIENT TRACKING\` (BCAST on \`<namespace>:\`, one connection per master, opened on the
   * first subscription and closed with the last). \`TieredCache\` listens to it.
   */
  get invalidations(): InvalidationPort {
    this.#tracking ??= new TrackingPort(this.#client, this.#prefix, this.name);
    return this.#tracking;
  }

  /** The ioredis client the cache talks through (the caller's, or the one it created). */
  get client(): RedisConnection {
    return this.#client;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The full Redis key for a cache key: `<namespace>:<key>`. */
  redisKey(key: string): string {
    return this.#prefix + validateKey(key);
  }

  /** The stored value, or `undefined` on a miss. Rejects with `ERR_REDIS_UNAVAILABLE` when Redis cannot answer. */
  get(key: string): Promise<V | undefined> {
    // Not `async`: the hot path of an L2 hit is one guarded command whose reply is decoded
    // in the guard's own settlement, with no further promise layer.
    let redisKey: string;
    try {
      redisKey = this.redisKey(key);
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#guard.run(
      () => this.#client.get(redisKey),
      (text) => this.#decoded(text, key),
    );
  }

  #decoded(text: string | null, key: string): V | undefined {
    if (text === null) {
      this.#misses++;
      if (missChannel.hasSubscribers) missChannel.publish({ name: this.name, key });
      return undefined;
    }
    this.#hits++;
    if (hitChannel.hasSubscribers) hitChannel.publish({ name: this.name, tier: 'l2', key });
    return decodeValue(text, this.#serializer, this.maxValueBytes, key);
  }

  /** Whether `key` is stored. */
  async has(key: string): Promise<boolean> {
    const redisKey = this.redisKey(key);
    this.#assertOpen();
    return (await this.#guard.run(() => this.#client.exists(redisKey))) === 1;
  }

  /**
   * Stores `value` with the cache's TTL (or `options.ttl`). Rejects with
   * `ERR_OUT_OF_RANGE` when the serialized value exceeds `maxValueBytes`.
   */
  async set(key: string, value: V, options?: TierSetOptions): Promise<void> {
    const redisKey = this.redisKey(key);
    const ttl = callTtl(options, this.ttl);
    const text = this.#encode(value);
    this.#assertOpen();
    await this.#guard.run(() => this.#client.set(redisKey, text, 'PX', ttl));
    this.#sets++;
  }

  /** Removes `key` (`UNLINK`); resolves `true` when it existed. */
  async delete(key: string): Promise<boolean> {
    const redisKey = this.redisKey(key);
    this.#assertOpen();
    const removed = await this.#guard.run(() => this.#client.unlink(redisKey));
    this.#deletes++;
    return removed > 0;
  }

  /**
   * The values of `keys` in order, `undefined` for misses: one `MGET` on a single
   * connection; on a Cluster, concurrent `GET`s (keys of one call may live on every master).
   */
  async getMany(keys: readonly string[]): Promise<Array<V | undefined>> {
    if (!Array.isArray(keys)) throw invalidArgType('keys', 'an array of strings', keys);
    const redisKeys = keys.map((k, i) => this.#prefix + validateKey(k, `keys[${i}]`));
    this.#assertOpen();
    if (redisKeys.length === 0) return [];
    const client = this.#client;
    const texts = await this.#guard.run(() =>
      isCluster(client) ? Promise.all(redisKeys.map((k) => client.get(k))) : client.mget(redisKeys),
    );
    const out = new Array<V | undefined>(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      if (text === null || text === undefined) {
        this.#misses++;
        out[i] = undefined;
      } else {
        this.#hits++;
        out[i] = decodeValue(text, this.#serializer, this.maxValueBytes, keys[i]!);
      }
    }
    return out;
  }

  /**
   * Stores every entry with the cache's TTL (or `options.ttl`) in one pipeline (on a
   * Cluster, concurrent `SET`s). Every value is serialized and size-checked before anything is sent.
   */
  async setMany(entries: Iterable<readonly [string, V]>, options?: TierSetOptions): Promise<void> {
    const ttl = callTtl(options, this.ttl);
    if (typeof (entries as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== 'function') {
      throw invalidArgType('entries', 'an iterable of [key, value] pairs', entries);
    }
    const batch: Array<[string, string]> = [];
    for (const entry of entries) {
      if (!Array.isArray(entry)) throw invalidArgType('entries', 'an iterable of [key, value] pairs', entry);
      batch.push([this.redisKey(entry[0] as string), this.#encode(entry[1] as V)]);
    }
    this.#assertOpen();
    if (batch.length === 0) return;
    const client = this.#client;
    await this.#guard.run(async () => {
      if (isCluster(client)) {
        await Promise.all(batch.map(([k, text]) => client.set(k, text, 'PX', ttl)));
        return;
      }
      const pipeline = client.pipeline();
      for (const [k, text] of batch) pipeline.set(k, text, 'PX', ttl);
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
    });
    this.#sets += batch.length;
  }

  /**
   * Removes every key of the namespace: `SCAN MATCH <namespace>:*` and `UNLINK` in batches of
   * `scanCount`, on every master of a Cluster. Never holds more than one batch of keys.
   */
  async clear(): Promise<void> {
    this.#assertOpen();
    const pattern = `${this.#prefix}*`;
    const cluster = isCluster(this.#client);
    for (const node of masters(this.#client)) {
      let cursor = '0';
      do {
        const [next, keys] = await this.#guard.run(() =>
          node.scan(cursor, 'MATCH', pattern, 'COUNT', this.#scanCount),
        );
        cursor = next;
        if (keys.length === 0) continue;
        // A Cluster node refuses multi-key commands across slots: one UNLINK per key, pipelined.
        await this.#guard.run(async () => {
          if (!cluster) return void (await node.unlink(...keys));
          const pipeline = node.pipeline();
          for (const key of keys) pipeline.unlink(key);
          await pipeline.exec();
        });
      } while (cursor !== '0');
    }
  }

  /** Plain figures: hits, misses, sets, deletes, failures, timeouts, rejected (fast-failed) calls, pending commands, breaker state. */
  stats(): RedisCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      sets: this.#sets,
      deletes: this.#deletes,
      failures: this.#guard.failures,
      timeouts: this.#guard.timeouts,
      rejected: this.#guard.rejected,
      pending: this.#guard.pending,
      breakerState: this.breaker.stats().state,
    };
  }

  /**
   * Stops the cache: later calls reject with `ERR_DISPOSED`; a connection the cache created
   * is closed (QUIT, then disconnect), the caller's connection is left open. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#registration.unregister();
    if (this.#ownsBreaker) this.breaker.dispose();
    this.#guard.release();
    this.#tracking?.close();
    this.#closing = this.#owned ? closeClient(this.#client) : Promise.resolve();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  get [Symbol.toStringTag](): string {
    return 'RedisCache';
  }

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new DisposedError(`RedisCache ${this.name}`);
  }

  #encode(value: V): string {
    return encodeValue(value, this.#serializer, this.maxValueBytes);
  }
}
