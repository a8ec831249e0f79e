// Housekeeping: idle eviction (the soft timeout keeps `min`, the hard one does not), lifetime,
// and leak detection (leases held too long, leases garbage-collected unreleased). Every timer
// here is unref'd: housekeeping never keeps a process alive, and never runs in a tight loop.

import { diagnosticsChannel, emitLeakproofWarning, publish } from '@leakproof/core';
import type { ResolvedOptions } from './options.js';
import { BORROWED, type Slot, type Slots } from './slots.js';

/** What housekeeping needs from its pool. */
export interface HouseHost<T> {
  readonly name: string;
  readonly closed: boolean;
  /** Destroys a slot taken out of the idle list (or out of a loan). */
  destroy(slot: Slot<T>, reason: unknown): Promise<void>;
  /** Refill `min`, serve waiters. */
  dispatch(): void;
  /** A lease was collected: its borrow ended. */
  loanEnded(): void;
}

const leakChannel = diagnosticsChannel('pool', 'leak');

export class Housekeeper<T> {
  readonly #o: ResolvedOptions;
  readonly #slots: Slots<T>;
  readonly #host: HouseHost<T>;
  readonly #leases: FinalizationRegistry<Slot<T>>;
  readonly #evicting: boolean;
  #timer: NodeJS.Timeout | undefined = undefined;
  /** The armed timer counted the soft timeout (more than `min` existed when it was armed). */
  #softCounted = false;

  constructor(o: ResolvedOptions, slots: Slots<T>, host: HouseHost<T>) {
    this.#o = o;
    this.#slots = slots;
    this.#host = host;
    this.#evicting =
      o.idleTimeoutMs !== Number.POSITIVE_INFINITY ||
      o.hardIdleTimeoutMs !== Number.POSITIVE_INFINITY ||
      o.maxLifetimeMs !== Number.POSITIVE_INFINITY;
    // The held value is the slot, never the lease: the lease must stay collectable.
    this.#leases = new FinalizationRegistry<Slot<T>>((slot) => this.#collected(slot));
  }

  // ---- idle eviction and lifetime -------------------------------------------------------

  /** A slot went idle: make sure a check is due when it (or another) may be evicted. */
  idle(): void {
    if (!this.#evicting) return;
    if (this.#timer === undefined || (!this.#softCounted && this.#slots.existing > this.#o.min)) this.#arm();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    this.stop();
    if (this.#host.closed) return;
    const { idleTimeoutMs, hardIdleTimeoutMs } = this.#o;
    // Resources kept for `min` need no timer for the soft timeout: only a new resource can
    // put the pool above `min` again, and that calls idle().
    const soft = this.#slots.existing > this.#o.min;
    let next = Number.POSITIVE_INFINITY;
    for (const slot of this.#slots.peekIdle()) {
      let due = Math.min(slot.expiresAt, slot.idleSince + hardIdleTimeoutMs);
      if (soft) due = Math.min(due, slot.idleSince + idleTimeoutMs);
      if (due < next) next = due;
    }
    this.#softCounted = soft;
    if (next === Number.POSITIVE_INFINITY) return;
    const delay = Math.max(1, Math.min(next - performance.now() + 1, 2 ** 31 - 1));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#evict();
      this.#arm();
    }, delay);
    this.#timer.unref();
  }

  #evict(): void {
    const now = performance.now();
    const { idleTimeoutMs, hardIdleTimeoutMs, min } = this.#o;
    const slots = this.#slots;
    // Take the whole list out first: the destroys must not see these slots listed as idle.
    const idle = slots.takeAllIdle();
    let existing = slots.existing;
    const keep: Slot<T>[] = [];
    // Oldest-idle first, so the survivors kept for `min` are the freshest.
    for (const slot of idle) {
      if (now >= slot.expiresAt) {
        existing--;
        void this.#host.destroy(slot, 'lifetime');
      } else if (now - slot.idleSince >= hardIdleTimeoutMs) {
        // The hard timeout evicts below `min`; dispatch() refills it with fresh resources.
        existing--;
        void this.#host.destroy(slot, 'idle');
      } else if (now - slot.idleSince >= idleTimeoutMs && existing > min) {
        existing--;
        void this.#host.destroy(slot, 'idle');
      } else {
        keep.push(slot);
      }
    }
    slots.returnIdle(keep);
    this.#host.dispatch();
  }

  // ---- leaks ------------------------------------------------------------------------------

  /** A lease was made: watch for it being dropped, and (with `leakDetectionMs`) held too long. */
  lent(lease: object, slot: Slot<T>, id: number, watchHeld: boolean): void {
    this.#leases.register(lease, slot, slot);
    if (watchHeld) {
      const ms = this.#o.leakDetectionMs;
      slot.leakTimer = setTimeout(() => this.#heldTooLong(slot, id, ms), ms);
      slot.leakTimer.unref();
    }
  }

  /** A lease ended: stop watching it. */
  returned(slot: Slot<T>): void {
    this.#leases.unregister(slot);
    if (slot.leakTimer !== undefined) {
      clearTimeout(slot.leakTimer);
      slot.leakTimer = undefined;
    }
    if (slot.leakReported) {
      slot.leakReported = false;
      emitLeakproofWarning(
        `A lease of pool "${this.#host.name}" reported as held too long was released after all`,
        'LEAKPROOF_LEASE_RETURNED',
        slot.stack,
      );
    }
    slot.stack = undefined;
  }

  #heldTooLong(slot: Slot<T>, id: number, ms: number): void {
    slot.leakTimer = undefined;
    if (slot.uses !== id || slot.state !== BORROWED) return;
    slot.leakReported = true;
    this.#slots.totals.leaksDetected++;
    const stack = slot.stack;
    publish(leakChannel, () => ({ pool: this.#host.name, reason: 'held', heldMs: ms, stack }));
    emitLeakproofWarning(
      `A lease of pool "${this.#host.name}" has been held for more than ${ms} ms (leakDetectionMs); it may have leaked`,
      'LEAKPROOF_LEASE_HELD',
      stack === undefined ? undefined : `Acquired at:\n${stack}`,
    );
  }

  #collected(slot: Slot<T>): void {
    if (slot.state !== BORROWED) return;
    this.#slots.totals.leaksDetected++;
    if (slot.leakTimer !== undefined) {
      clearTimeout(slot.leakTimer);
      slot.leakTimer = undefined;
    }
    const stack = slot.stack;
    slot.stack = undefined;
    publish(leakChannel, () => ({ pool: this.#host.name, reason: 'collected', stack }));
    emitLeakproofWarning(
      `A lease of pool "${this.#host.name}" was garbage-collected without release(); its resource was destroyed. Use \`await using lease = await pool.acquire()\` or pool.use().`,
      'LEAKPROOF_LEASE_LEAKED',
      stack === undefined
        ? 'Set LEAKPROOF_CAPTURE_STACKS=1 to see where it was acquired.'
        : `Acquired at:\n${stack}`,
    );
    void this.#host.destroy(slot, 'leaked');
    this.#host.loanEnded();
  }
}
