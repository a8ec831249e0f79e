import { publish, type Registration, registerPrimitive } from '@leakproof/core';
import { breakerChannel } from './channels.js';
import { parseBreakerOptions } from './options.js';

/** The state of a {@link CircuitBreaker}. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  readonly failureThreshold?: number | undefined;
  /** How long an open breaker rejects calls before letting one probe through (ms). @default 1000 */
  readonly cooldownMs?: number | undefined;
  /** Name in stats, the registry and diagnostics events. */
  readonly name?: string | undefined;
  /** Clock in ms; tests inject a fake one. @default performance.now */
  readonly now?: (() => number) | undefined;
}

/** Figures of a {@link CircuitBreaker}. `state`: 0 closed, 1 open, 2 half-open. */
export type CircuitBreakerStats = {
  readonly state: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  readonly successes: number;
  readonly rejected: number;
  readonly opened: number;
};

const STATE_NUMBER: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/**
 * A consecutive-failure circuit breaker without timers: after `failureThreshold` failures
 * in a row it opens and {@link allow} answers `false`; once `cooldownMs` has passed, one
 * probe is let through (half-open). The probe's success closes it, its failure opens it
 * again for another cooldown. Every `RedisCache` has one; it stops a dead or drowning
 * server from being hammered.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 500 });
 * if (!breaker.allow()) throw new Error('not now');
 * try { await work(); breaker.success(); } catch (err) { breaker.failure(err); throw err; }
 * ```
 */
export class CircuitBreaker {
  readonly name: string;
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  #now: () => number;
  #state: BreakerState = 'closed';
  #openedAt = 0;
  #probing = false;
  #consecutive = 0;
  #failures = 0;
  #successes = 0;
  #rejected = 0;
  #opened = 0;
  #lastError: unknown;
  #registration: Registration;

  constructor(options?: CircuitBreakerOptions) {
    const opts = parseBreakerOptions(options);
    this.failureThreshold = opts.failureThreshold;
    this.cooldownMs = opts.cooldownMs;
    this.#now = opts.now ?? (() => performance.now());
    this.#registration = registerPrimitive(this, { kind: 'circuit-breaker', name: opts.name });
    this.name = this.#registration.name;
  }

  /** The current state (an open breaker whose cooldown has passed still reads `open` until a call probes). */
  get state(): BreakerState {
    return this.#state;
  }

  /** The failure that last counted against the breaker, for `cause`. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /**
   * Whether a call may go ahead now. In the open state this is `false` until the cooldown
   * has passed, then `true` for exactly one probe (the breaker turns half-open) until that
   * probe reports {@link success} or {@link failure}.
   */
  allow(): boolean {
    if (this.#state === 'closed') return true;
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.cooldownMs) {
      this.#transition('half-open');
      this.#probing = true;
      return true;
    }
    if (this.#state === 'half-open' && !this.#probing) {
      this.#probing = true;
      return true;
    }
    this.#rejected++;
    return false;
  }

  /** Reports a successful call: resets the failure count and closes a half-open breaker. */
  success(): void {
    this.#successes++;
    this.#consecutive = 0;
    if (this.#state !== 'closed') {
      this.#probing = false;
      this.#transition('closed');
    }
  }

  /** Reports a failed call: may open the breaker (a half-open one reopens at once). */
  failure(error?: unknown): void {
    this.#failures++;
    this.#consecutive++;
    this.#lastError = error;
    if (
      this.#state === 'half-open' ||
      (this.#state === 'closed' && this.#consecutive >= this.failureThreshold)
    ) {
      this.#probing = false;
      this.#openedAt = this.#now();
      this.#opened++;
      this.#transition('open');
    } else if (this.#state === 'open') {
      this.#openedAt = this.#now();
    }
  }

  /** Closes the breaker and forgets the failures (for example after an operator fixed the server). */
  reset(): void {
    this.#consecutive = 0;
    this.#probing = false;
    if (this.#state !== 'closed') this.#transition('closed');
  }

  /** Plain figures: state (0 closed, 1 open, 2 half-open), failures, successes, rejected calls, times opened. */
  stats(): CircuitBreakerStats {
    return {
      state: STATE_NUMBER[this.#state],
      failures: this.#failures,
      consecutiveFailures: this.#consecutive,
      successes: this.#successes,
      rejected: this.#rejected,
      opened: this.#opened,
    };
  }

  /** Removes the breaker from the registry. Idempotent. */
  dispose(): void {
    this.#registration.unregister();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #transition(next: BreakerState): void {
    const previous = this.#state;
    this.#state = next;
    publish(breakerChannel, () => ({ name: this.name, state: next, previous, cause: this.#lastError }));
  }
}
