/**
 * Receives what an {@link InvalidationPort} reports: keys that changed, and whether
 * invalidations are being received at all.
 */
export interface InvalidationListener {
  /** Keys (as the tier names them, without its namespace) that changed; `null`: anything may have. */
  invalidate(keys: readonly string[] | null): void;
  /**
   * `false`: invalidations may be missed from now on (a connection dropped, the topology
   * changed); `true`: every invalidation is received again. Reported on every change.
   */
  state(up: boolean): void;
}

/** One listener's registration on an {@link InvalidationPort}. */
export interface InvalidationSubscription {
  /** Whether invalidations are being received right now. */
  readonly up: boolean;
  /** Stops the listener (and, with the last one, what the port opened for it). Idempotent. */
  close(): Promise<void>;
}

/**
 * How a tier tells a cache in front of it that entries changed behind its back. `RedisCache`
 * provides one through Redis' own `CLIENT TRACKING` (any write by anyone, expiry,
 * eviction, flush); `MemoryCache` provides one for its own writes, for tests.
 * `TieredCache` only ever sees this port and the tier.
 */
export interface InvalidationPort {
  /** Starts reporting to `listener`. */
  subscribe(listener: InvalidationListener): InvalidationSubscription;
}
