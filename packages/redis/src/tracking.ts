// Internal: RedisCache's invalidation port, on Redis' server-assisted client-side caching.
//
// One connection per master enables `CLIENT TRACKING on REDIRECT <its own id> BCAST PREFIX
// <namespace>:` and subscribes to `__redis__:invalidate`: the server then sends it the name
// of every key under the namespace that changes, whoever changes it (any client, a Lua
// script, expiry, eviction, FLUSHDB). Redirecting to itself makes each tracking/redirect pair
// one connection, so the redirect can never be lost while tracking stays on
// (`tracking-redir-broken` cannot happen); losing that connection is reported as down.
// On a Cluster there is one per master, re-derived from the cluster's slot map whenever it
// changes (failover, a master added or removed); the port is up only while every master
// has a live tracker.
import { randomBytes } from 'node:crypto';
import { publish } from '@leakproof/core';
import type { Cluster, Redis } from 'ioredis';
import { invalidationReceivedChannel, trackingChannel } from './channels.js';
import type { InvalidationListener, InvalidationPort, InvalidationSubscription } from './invalidation.js';
import { createClient, isCluster, OWNED_DEFAULTS, type RedisClient } from './redis-client.js';

const INVALIDATE = '__redis__:invalidate';
// Trackers speak RESP2 whatever the caller's client does (ioredis 6 defaults to RESP3, where
// Redis sends invalidations as `invalidate` pushes that ioredis does not surface); over
// RESP2 they arrive as messages on `__redis__:invalidate`. ioredis 5 has no such option.
const RESP2 = { protocol: 2 } as Record<string, unknown>;

interface Tracker {
  readonly node: string;
  readonly conn: Redis;
  up: boolean;
  detach(): void;
}

export class TrackingPort implements InvalidationPort {
  readonly #client: RedisClient;
  readonly #prefix: string;
  readonly #name: string;
  readonly #listeners = new Set<InvalidationListener>();
  readonly #trackers = new Map<string, Tracker>();
  readonly #id = randomBytes(4).toString('hex');
  #up = false;
  #started = false;
  #detachCluster: (() => void) | undefined;
  /** Invalidation messages received, and times the port went down. */
  received = 0;
  drops = 0;

  constructor(client: RedisClient, prefix: string, name: string) {
    this.#client = client;
    this.#prefix = prefix;
    this.#name = name;
  }

  get up(): boolean {
    return this.#up;
  }

  /** The connection name of this port's trackers (`CLIENT LIST` shows it). */
  get connectionName(): string {
    return `leakproof-tracking:${this.#prefix}${this.#id}`;
  }

  subscribe(listener: InvalidationListener): InvalidationSubscription {
    this.#listeners.add(listener);
    if (!this.#started) this.#start();
    const port = this;
    let closed = false;
    return {
      get up() {
        return !closed && port.#up;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        this.#listeners.delete(listener);
        if (this.#listeners.size === 0) this.#stop();
      },
    };
  }

  /** Stops every tracker (RedisCache.close). */
  close(): void {
    this.#listeners.clear();
    this.#stop();
  }

  #start(): void {
    this.#started = true;
    const client = this.#client;
    if (!isCluster(client)) {
      this.#track('single', () =>
        client.duplicate({
          ...OWNED_DEFAULTS,
          ...RESP2,
          autoResubscribe: false,
          enableAutoPipelining: false,
          lazyConnect: false,
          enableOfflineQueue: true,
          connectionName: this.connectionName,
        }),
      );
      return;
    }
    const reconcile = (): void => this.#reconcile(client);
    client.on('refresh', reconcile);
    client.on('+node', reconcile);
    client.on('-node', reconcile);
    client.on('ready', reconcile);
    this.#detachCluster = () => {
      client.off('refresh', reconcile);
      client.off('+node', reconcile);
      client.off('-node', reconcile);
      client.off('ready', reconcile);
    };
    reconcile();
  }

  #stop(): void {
    if (!this.#started) return;
    this.#started = false;
    this.#detachCluster?.();
    this.#detachCluster = undefined;
    for (const tracker of this.#trackers.values()) this.#drop(tracker);
    this.#trackers.clear();
    this.#up = false;
  }

  // One tracker per master of the cluster's current slot map: new masters get one, nodes
  // that are no longer masters lose theirs. Any change means invalidations may have been
  // missed (a failover: writes reached the new master before we tracked it), so it is
  // reported down until every tracker is up.
  #reconcile(cluster: Cluster): void {
    if (!this.#started) return;
    const masters = new Map<string, Redis>();
    for (const node of cluster.nodes('master'))
      masters.set(`${node.options.host}:${node.options.port}`, node);
    if (masters.size === 0) return; // not connected yet: 'ready' or 'refresh' comes
    let changed = false;
    for (const [node, tracker] of this.#trackers) {
      if (!masters.has(node)) {
        this.#drop(tracker);
        this.#trackers.delete(node);
        changed = true;
      }
    }
    for (const [node, master] of masters) {
      if (this.#trackers.has(node)) continue;
      changed = true;
      this.#track(node, () =>
        createClient(
          {
            ...cluster.options.redisOptions,
            host: master.options.host ?? '127.0.0.1',
            port: master.options.port ?? 6379,
          },
          {
            ...RESP2,
            autoResubscribe: false,
            enableAutoPipelining: false,
            enableOfflineQueue: true,
            connectionName: this.connectionName,
          },
        ),
      );
    }
    if (changed) this.#down(new Error('the cluster topology changed'));
  }

  #track(node: string, connect: () => Redis): void {
    const conn = connect();
    const tracker: Tracker = { node, conn, up: false, detach: () => {} };
    const onReady = (): void => void this.#enable(tracker);
    const onClose = (): void => {
      const wasUp = tracker.up;
      tracker.up = false;
      if (wasUp || this.#up) this.#down(new Error(`the tracking connection to ${node} closed`));
      // On a Cluster the node may be gone for good: ask for the current slot map.
      const client = this.#client;
      if (isCluster(client)) client.refreshSlotsCache();
    };
    const onMessage = (channel: Buffer, message: unknown): void => {
      if (channel.toString() !== INVALIDATE) return;
      this.#received(message);
    };
    const onError = (): void => {}; // reported through 'close'; ioredis reconnects
    conn.on('ready', onReady);
    conn.on('close', onClose);
    conn.on('messageBuffer', onMessage);
    conn.on('error', onError);
    tracker.detach = () => {
      conn.off('ready', onReady);
      conn.off('close', onClose);
      conn.off('messageBuffer', onMessage);
    };
    this.#trackers.set(node, tracker);
    if (conn.status === 'ready') void this.#enable(tracker);
  }

  #drop(tracker: Tracker): void {
    tracker.detach();
    tracker.up = false;
    tracker.conn.disconnect();
  }

  async #enable(tracker: Tracker): Promise<void> {
    const conn = tracker.conn;
    try {
      const id = await conn.client('ID');
      await conn.call('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(id), 'BCAST', 'PREFIX', this.#prefix);
      await conn.subscribe(INVALIDATE);
    } catch (error) {
      // Tracking refused (Redis < 6, an ACL without CLIENT) or the connection dropped
      // meanwhile: stay down, and try again after a reconnect with backoff.
      if (this.#trackers.get(tracker.node) === tracker && conn.status === 'ready') {
        this.#down(error);
        conn.disconnect(true);
      }
      return;
    }
    if (this.#trackers.get(tracker.node) !== tracker || conn.status !== 'ready') return;
    tracker.up = true;
    this.#report();
  }

  #received(message: unknown): void {
    let keys: string[] | null;
    if (message === null || message === undefined) keys = null;
    else {
      const raw = Array.isArray(message) ? message : [message];
      keys = [];
      const prefix = this.#prefix;
      for (const item of raw) {
        const full = String(item);
        if (full.startsWith(prefix)) keys.push(full.slice(prefix.length));
      }
      if (keys.length === 0) return;
    }
    this.received++;
    if (invalidationReceivedChannel.hasSubscribers) {
      invalidationReceivedChannel.publish({ name: this.#name, keys });
    }
    for (const listener of this.#listeners) listener.invalidate(keys);
  }

  #report(): void {
    let all = this.#trackers.size > 0;
    for (const tracker of this.#trackers.values()) all &&= tracker.up;
    if (all && !this.#up) {
      this.#up = true;
      publish(trackingChannel, () => ({ name: this.#name, state: 'up', cause: undefined }));
      for (const listener of this.#listeners) listener.state(true);
    }
  }

  #down(cause: unknown): void {
    if (this.#up) this.drops++;
    this.#up = false;
    publish(trackingChannel, () => ({ name: this.#name, state: 'down', cause }));
    // Reported every time, even when already down: L1 must drop whatever it holds.
    for (const listener of this.#listeners) listener.state(false);
  }
}
