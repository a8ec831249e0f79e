// Internal: the invalidation bus behind TieredCache. Keys-only messages, tagged with the
// sender's instance id, on one channel per namespace; sharded pub/sub on a Cluster whose
// servers support it. The subscription's health is reported so the L1 can be flushed the
// moment invalidations may be missed.
import { randomUUID } from 'node:crypto';
import { publish, unrefTimeout } from '@leakproof/core';
import type { Redis } from 'ioredis';
import { busChannel, invalidationReceivedChannel, invalidationSentChannel } from './channels.js';
import { clusterSlot } from './cluster-slot.js';
import type { CommandGuard } from './command-guard.js';
import { createClient, isCluster, OWNED_DEFAULTS, type RedisClient } from './redis-client.js';

/** Most keys in one message; larger batches are split. */
const KEYS_PER_MESSAGE = 500;
/** Most keys accepted from one received message (anything larger is treated as "invalidate all"). */
const MAX_RECEIVED_KEYS = 10_000;
const RETRY_MS = 250;

export interface BusHandlers {
  /** Keys another instance changed; `null` means everything (a clear). */
  invalidate(keys: readonly string[] | null): void;
  /** The subscription went down (`false`: invalidations may be missed from now) or is back (`true`). */
  state(up: boolean): void;
}

export interface InvalidationBusOptions {
  readonly publisher: RedisClient;
  readonly guard: CommandGuard;
  readonly channel: string;
  /** The caller's dedicated subscriber connection (never closed by the bus). */
  readonly subscriber?: Redis | undefined;
  /** Sharded pub/sub (SPUBLISH/SSUBSCRIBE): `'auto'` uses it on a Cluster of Redis >= 7. */
  readonly sharded: boolean | 'auto';
  readonly name: string;
  readonly handlers: BusHandlers;
}

export class InvalidationBus {
  /** This process's instance id, sent with every message so it can ignore its own. */
  readonly id = randomUUID();
  readonly channel: string;
  sent = 0;
  received = 0;
  drops = 0;
  #up = false;
  #closed = false;
  #sub: Redis | undefined;
  #ownsSub: boolean;
  #mode: Promise<boolean> | undefined;
  #shardedOption: boolean | 'auto';
  #retry: NodeJS.Timeout | undefined;
  #detach: (() => void) | undefined;
  readonly #publisher: RedisClient;
  readonly #guard: CommandGuard;
  readonly #handlers: BusHandlers;
  readonly #name: string;

  constructor(options: InvalidationBusOptions) {
    this.channel = options.channel;
    this.#publisher = options.publisher;
    this.#guard = options.guard;
    this.#handlers = options.handlers;
    this.#name = options.name;
    // The caller's connection goes to whatever node it goes to: classic pub/sub reaches it
    // there, sharded pub/sub would need it on the channel's master.
    this.#shardedOption =
      options.subscriber !== undefined && options.sharded === 'auto' ? false : options.sharded;
    this.#ownsSub = options.subscriber === undefined;
    if (options.subscriber !== undefined) this.#attach(options.subscriber);
    else void this.#start();
  }

  /** Whether the subscription is live (invalidations are being received). */
  get up(): boolean {
    return this.#up;
  }

  /** Publishes an invalidation of `keys` (`null`: everything). Rejects like any guarded command. */
  async publish(keys: readonly string[] | null): Promise<void> {
    const sharded = await this.#sharded();
    const publisher = this.#publisher;
    const send = (message: string) =>
      this.#guard.run(() =>
        sharded ? publisher.spublish(this.channel, message) : publisher.publish(this.channel, message),
      );
    if (keys === null) {
      await send(JSON.stringify({ from: this.id, keys: null }));
    } else {
      for (let i = 0; i < keys.length; i += KEYS_PER_MESSAGE) {
        await send(JSON.stringify({ from: this.id, keys: keys.slice(i, i + KEYS_PER_MESSAGE) }));
      }
    }
    this.sent++;
    publish(invalidationSentChannel, () => ({ name: this.#name, channel: this.channel, keys }));
  }

  /** Stops listening; closes the subscriber connection if the bus created it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retry);
    this.#detach?.();
    const sub = this.#sub;
    this.#sub = undefined;
    this.#up = false;
    if (sub === undefined) return;
    if (this.#ownsSub) {
      sub.disconnect();
    } else if (sub.status === 'ready') {
      const sharded = await this.#sharded().catch(() => false);
      await (sharded ? sub.sunsubscribe(this.channel) : sub.unsubscribe(this.channel)).catch(() => {});
    }
  }

  // Sharded pub/sub needs a Cluster (on one server it buys nothing) and Redis >= 7.
  #sharded(): Promise<boolean> {
    if (this.#mode !== undefined) return this.#mode;
    const option = this.#shardedOption;
    const publisher = this.#publisher;
    if (option !== 'auto' || !isCluster(publisher)) {
      this.#mode = Promise.resolve(option === true);
      return this.#mode;
    }
    const mode = this.#guard
      .run(() => publisher.info('server'))
      .then((info) => {
        const major = Number(/redis_version:(\d+)/.exec(info)?.[1] ?? 0);
        return major >= 7;
      });
    this.#mode = mode;
    // A failed probe is forgotten, so the next call asks again.
    mode.catch(() => {
      if (this.#mode === mode) this.#mode = undefined;
    });
    return mode;
  }

  // Creates our own subscriber: a duplicate of a single connection, or a plain connection to
  // the master owning the channel's slot (sharded) or to any master (classic pub/sub, which a
  // Cluster broadcasts to every node).
  async #start(node?: string): Promise<void> {
    if (this.#closed) return;
    try {
      const publisher = this.#publisher;
      let sub: Redis;
      if (!isCluster(publisher)) {
        sub = publisher.duplicate({
          ...OWNED_DEFAULTS,
          autoResubscribe: false,
          lazyConnect: false,
          connectionName: `leakproof-bus:${this.channel}:${this.id}`,
        });
      } else {
        const sharded = await this.#sharded();
        if (this.#closed) return;
        const nodeKey = sharded
          ? (node ?? (publisher.slots as string[][])[clusterSlot(this.channel)]?.[0])
          : publisher.nodes('master').map((node) => `${node.options.host}:${node.options.port}`)[0];
        if (nodeKey === undefined) throw new Error('the cluster has no known master for the channel yet');
        const at = nodeKey.lastIndexOf(':');
        sub = createClient(
          {
            ...publisher.options.redisOptions,
            host: nodeKey.slice(0, at),
            port: Number(nodeKey.slice(at + 1)),
          },
          { autoResubscribe: false, connectionName: `leakproof-bus:${this.channel}:${this.id}` },
        );
      }
      sub.on('error', (error: Error) => {
        // Resharding: the server unsubscribes us when the channel's slot leaves its master.
        // ioredis has no event for that push and reports it as a queue state error.
        if (/Last reply: sunsubscribe/.test(error.message)) {
          if (isCluster(publisher)) publisher.refreshSlotsCache();
          this.#lost(sub);
        }
      });
      this.#attach(sub);
    } catch {
      this.#scheduleRestart();
    }
  }

  #scheduleRestart(node?: string): void {
    if (this.#closed) return;
    clearTimeout(this.#retry);
    this.#retry = unrefTimeout(() => void this.#start(node), RETRY_MS);
  }

  // Drops an owned subscriber for good and starts over, finding the channel's master again.
  #lost(sub: Redis, cause?: unknown, node?: string): void {
    if (this.#closed || this.#sub !== sub) return;
    this.#detach?.();
    this.#sub = undefined;
    this.#down(cause);
    sub.disconnect();
    this.#scheduleRestart(node);
  }

  #attach(sub: Redis): void {
    this.#sub = sub;
    const onMessage = (channel: string, message: string): void => {
      if (channel === this.channel) this.#receive(message);
    };
    // On a Cluster the master may be gone for good (failover): rather than reconnect to the
    // same address, an owned subscriber is rebuilt from the cluster's current slot map.
    const rebuild = this.#ownsSub && isCluster(this.#publisher);
    const onClose = (): void => (rebuild ? this.#lost(sub) : this.#down());
    const onReady = (): void => void this.#subscribe(sub);
    sub.on('message', onMessage);
    sub.on('smessage', onMessage);
    sub.on('close', onClose);
    sub.on('ready', onReady);
    this.#detach = () => {
      sub.off('message', onMessage);
      sub.off('smessage', onMessage);
      sub.off('close', onClose);
      sub.off('ready', onReady);
    };
    if (sub.status === 'ready') void this.#subscribe(sub);
    else if (sub.status === 'wait') sub.connect().catch(() => {});
  }

  async #subscribe(sub: Redis): Promise<void> {
    try {
      const sharded = await this.#sharded();
      if (this.#closed || this.#sub !== sub) return;
      await (sharded ? sub.ssubscribe(this.channel) : sub.subscribe(this.channel));
      if (this.#closed || this.#sub !== sub || sub.status !== 'ready') return;
      if (!this.#up) {
        this.#up = true;
        publish(busChannel, () => ({
          name: this.#name,
          channel: this.channel,
          state: 'up',
          cause: undefined,
        }));
        this.#handlers.state(true);
      }
    } catch (error) {
      if (this.#closed || this.#sub !== sub) return;
      const moved = /^MOVED \d+ (\S+)/.exec(error instanceof Error ? error.message : '');
      if (this.#ownsSub && moved !== null) {
        // The channel's slot moved to another master: start over on the new owner.
        this.#lost(sub, error, moved[1]);
      } else {
        this.#down(error);
        clearTimeout(this.#retry);
        this.#retry = unrefTimeout(() => {
          if (!this.#closed && this.#sub === sub && sub.status === 'ready') void this.#subscribe(sub);
        }, RETRY_MS);
      }
    }
  }

  #down(cause?: unknown): void {
    if (this.#closed) return;
    const wasUp = this.#up;
    this.#up = false;
    if (wasUp) {
      this.drops++;
      publish(busChannel, () => ({ name: this.#name, channel: this.channel, state: 'down', cause }));
    }
    // Report every time, even when not up: whatever was cached meanwhile must go too.
    this.#handlers.state(false);
  }

  #receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return; // not ours
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const { from, keys } = parsed as { from?: unknown; keys?: unknown };
    if (typeof from !== 'string' || from === this.id) return;
    let list: string[] | null;
    if (keys === null || (Array.isArray(keys) && keys.length > MAX_RECEIVED_KEYS)) list = null;
    else if (Array.isArray(keys) && keys.every((k) => typeof k === 'string')) list = keys as string[];
    else return;
    this.received++;
    publish(invalidationReceivedChannel, () => ({
      name: this.#name,
      channel: this.channel,
      keys: list,
      from,
    }));
    this.#handlers.invalidate(list);
  }
}
