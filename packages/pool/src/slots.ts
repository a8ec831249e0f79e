// The resources the pool owns, one state each, and the count per state. This module is the
// only place a slot changes state, so the counts can never drift from the slots: `stats()`
// reads them from here and nowhere else.

import type { Within } from './settle-within.js';

/** A create is in flight for this slot; it has no resource yet. */
export const CREATING = 0;
/** Lent to nobody, in the idle list. */
export const IDLE = 1;
/** Lent to a lease. */
export const BORROWED = 2;
/** Being checked by `factory.validate`. */
export const VALIDATING = 3;
/** Being destroyed. */
export const DESTROYING = 4;
/** Destroyed, or its create failed or was abandoned: no longer counted. */
export const GONE = 5;

export type SlotState = 0 | 1 | 2 | 3 | 4 | 5;

/** Lifetimes are shortened by up to this share at random, so resources made together do not expire together. */
const LIFETIME_JITTER = 0.1;

/**
 * One resource (or one being made). A slot never references the lease that borrows it: the
 * lease must stay collectable so a forgotten one can be detected.
 */
export class Slot<T> {
  state: SlotState = CREATING;
  resource: T = undefined as T;
  /** Leases so far; also the id of the current one, so a stale lease cannot touch a later one. */
  uses = 0;
  /** When the slot last became idle. */
  idleSince = 0;
  /** When the slot is retired, jitter included. */
  expiresAt = Number.POSITIVE_INFINITY;
  /** The bounded step in progress: the create, validate or destroy. */
  step: Within | undefined = undefined;
  /** `leakDetectionMs` timer while borrowed. */
  leakTimer: NodeJS.Timeout | undefined = undefined;
  /** Stack of the current lease's acquire, when captured. */
  stack: string | undefined = undefined;
  /** The current lease was reported as held too long. */
  leakReported = false;
}

/** Totals since the pool was made. */
export interface Totals {
  created: number;
  destroyed: number;
  acquired: number;
  acquireTimeouts: number;
  createErrors: number;
  destroyErrors: number;
  validationFailures: number;
  leaksDetected: number;
}

export class Slots<T> {
  /** Every slot not GONE. */
  readonly all = new Set<Slot<T>>();
  readonly totals: Totals = {
    created: 0,
    destroyed: 0,
    acquired: 0,
    acquireTimeouts: 0,
    createErrors: 0,
    destroyErrors: 0,
    validationFailures: 0,
    leaksDetected: 0,
  };
  /** Slots per state (plain fields: the hot path moves slots IDLE <-> BORROWED millions of times a second). */
  #creating = 0;
  #idleCount = 0;
  #borrowed = 0;
  #validating = 0;
  #destroying = 0;
  /** Idle slots, oldest-idle first. */
  readonly #idle: Slot<T>[] = [];
  readonly #lifo: boolean;

  constructor(lifo: boolean) {
    this.#lifo = lifo;
  }

  get creating(): number {
    return this.#creating;
  }
  get idle(): number {
    return this.#idleCount;
  }
  get borrowed(): number {
    return this.#borrowed;
  }
  get validating(): number {
    return this.#validating;
  }
  get destroying(): number {
    return this.#destroying;
  }
  /** Resources that exist or are on the way: the number bounded by `max`. */
  get live(): number {
    return this.all.size;
  }
  /** Resources that exist and are usable. */
  get existing(): number {
    return this.#idleCount + this.#borrowed + this.#validating;
  }

  /** A new slot, CREATING. */
  open(): Slot<T> {
    const slot = new Slot<T>();
    this.#creating++;
    this.all.add(slot);
    return slot;
  }

  /**
   * Moves a slot to another state, keeping the counts. Taking a slot out of IDLE must go
   * through {@link Slots.takeIdle} or {@link Slots.takeAllIdle}, which leave the list right.
   */
  move(slot: Slot<T>, to: SlotState): void {
    this.#add(slot.state, -1);
    slot.state = to;
    if (to === GONE) this.all.delete(slot);
    else this.#add(to, 1);
  }

  /** The hot path's move: a slot taken from the idle list is lent. */
  lend(slot: Slot<T>): void {
    if (slot.state === IDLE) {
      this.#idleCount--;
      this.#borrowed++;
      slot.state = BORROWED;
    } else this.move(slot, BORROWED);
  }

  #add(state: SlotState, n: number): void {
    switch (state) {
      case CREATING:
        this.#creating += n;
        break;
      case IDLE:
        this.#idleCount += n;
        break;
      case BORROWED:
        this.#borrowed += n;
        break;
      case VALIDATING:
        this.#validating += n;
        break;
      case DESTROYING:
        this.#destroying += n;
        break;
    }
  }

  /** A slot fresh from create: it has its resource and lifetime now, and goes idle. */
  made(slot: Slot<T>, resource: T, now: number, maxLifetimeMs: number): void {
    slot.resource = resource;
    slot.expiresAt =
      maxLifetimeMs === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : now + maxLifetimeMs * (1 - Math.random() * LIFETIME_JITTER);
    this.totals.created++;
    this.pushIdle(slot, now);
  }

  pushIdle(slot: Slot<T>, now: number): void {
    if (slot.state === BORROWED) {
      this.#borrowed--;
      this.#idleCount++;
      slot.state = IDLE;
    } else this.move(slot, IDLE);
    slot.idleSince = now;
    this.#idle.push(slot);
  }

  /**
   * The next idle slot (most recently returned with lifo, longest idle with fifo), taken out
   * of the list; still counted as IDLE until the caller moves it.
   */
  takeIdle(): Slot<T> | undefined {
    const idle = this.#idle;
    if (idle.length === 0) return undefined;
    return this.#lifo ? idle.pop() : idle.shift();
  }

  /** Every idle slot, oldest-idle first, taken out of the list (still counted as IDLE). */
  takeAllIdle(): Slot<T>[] {
    return this.#idle.splice(0);
  }

  /** Puts slots taken with {@link Slots.takeAllIdle} back, in the same order. */
  returnIdle(slots: Slot<T>[]): void {
    for (const slot of slots) this.#idle.push(slot);
  }

  /** Idle slots, oldest-idle first, for reading only. */
  peekIdle(): readonly Slot<T>[] {
    return this.#idle;
  }
}
