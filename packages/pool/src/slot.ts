// One resource the pool owns, in one state at a time. A slot never references the lease
// that borrows it: the lease must stay collectable so a forgotten one can be detected.

/** Lent to nobody, in the idle list. */
export const IDLE = 0;
/** Lent to a lease. */
export const BORROWED = 1;
/** Being checked by `factory.validate`. */
export const VALIDATING = 2;
/** Being destroyed, or gone. */
export const DESTROYING = 3;

/** Lifetimes are shortened by up to this share at random, so resources made together do not expire together. */
const LIFETIME_JITTER = 0.1;

export class Slot<T> {
  state = IDLE;
  /** Leases so far; also the id of the current one, so a stale lease cannot touch a later one. */
  uses = 0;
  /** When the slot last became idle (only kept when idle eviction is on). */
  idleSince = 0;
  /** When the slot is retired, jitter included. */
  readonly expiresAt: number;
  /** The timer of the current state: `leakDetectionMs` while borrowed, `validateTimeoutMs` while validating. */
  timer: NodeJS.Timeout | undefined = undefined;
  /** Stack of the current lease's acquire, when captured. */
  stack: string | undefined = undefined;
  /** The current lease was reported as held too long. */
  leakReported = false;

  constructor(
    readonly resource: T,
    now: number,
    maxLifetimeMs: number,
  ) {
    this.expiresAt =
      maxLifetimeMs === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : now + maxLifetimeMs * (1 - Math.random() * LIFETIME_JITTER);
  }
}
