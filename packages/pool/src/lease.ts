import { createError } from '@leakproof/core';
import { BORROWED, type Slot } from './slots.js';

/** How a lease hands its slot back; bound once per pool. Returns the destroy's completion when destroying. */
export type SettleLease<T> = (slot: Slot<T>, id: number, destroy: boolean, reason: unknown) => Promise<void>;

const RESOLVED = Promise.resolve();

/**
 * A resource borrowed from a {@link Pool}. End it exactly once with {@link Lease.release} (the
 * resource goes back to the pool) or {@link Lease.destroy} (it is disposed of); both are
 * idempotent. `await using` ends it for you, so it can never leak:
 *
 * @example
 * ```ts
 * await using lease = await pool.acquire();
 * await lease.resource.query('select 1');
 * // released here, even if the query throws
 * ```
 *
 * A lease dropped without either is noticed when it is garbage-collected: a
 * `LEAKPROOF_LEASE_LEAKED` warning is emitted and its resource destroyed, so the slot comes back.
 */
export class Lease<T> implements AsyncDisposable {
  readonly #settle: SettleLease<T>;
  readonly #slot: Slot<T>;
  readonly #id: number;
  #ended = false;

  /** @internal Leases are made by the pool only. */
  constructor(settle: SettleLease<T>, slot: Slot<T>, id: number) {
    if (typeof settle !== 'function') {
      throw createError('ERR_INVALID_ARG_TYPE', {
        name: 'settle',
        expected: "the pool's (leases are made by `pool.acquire()` only)",
        actual: settle,
      });
    }
    this.#settle = settle;
    this.#slot = slot;
    this.#id = id;
  }

  /** The borrowed resource. Throws `ERR_LEASE_RELEASED` once the lease has ended. */
  get resource(): T {
    const slot = this.#slot;
    if (this.#ended || slot.uses !== this.#id || slot.state !== BORROWED)
      throw createError('ERR_LEASE_RELEASED');
    return slot.resource;
  }

  /** Whether the lease has ended: released, destroyed, or taken back by `pool.close()`. */
  get ended(): boolean {
    return this.#ended || this.#slot.uses !== this.#id || this.#slot.state !== BORROWED;
  }

  /** Gives the resource back to the pool. Idempotent. */
  release(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#settle(this.#slot, this.#id, false, undefined);
  }

  /**
   * Destroys the resource instead of returning it (it is broken, or its state is unknown).
   * Resolves when `factory.destroy` has finished or timed out; never rejects. Idempotent.
   */
  destroy(reason?: unknown): Promise<void> {
    if (this.#ended) return RESOLVED;
    this.#ended = true;
    return this.#settle(this.#slot, this.#id, true, reason);
  }

  /** Releases the lease: what `await using` calls. */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return RESOLVED;
  }
}
