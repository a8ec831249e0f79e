// "Settle once, or give up after a timeout": the one helper behind every bounded step of the
// pool (a create, a destroy, a validate, an acquire's own timeout, close's grace period).

/**
 * One step that ends exactly once: by {@link Within.finish}, or by `onTimeout` when `ms` pass
 * first. Whichever comes second is a no-op, and the timer goes the moment the step ends.
 *
 * `awaited` decides the timer rule: a step somebody awaits (an acquire's timeout, a create
 * while an acquire waits for it) keeps the process alive the way `timers/promises` does;
 * housekeeping never does. {@link Within.await} switches it as waiters come and go.
 */
export class Within {
  /** Ended (finished or timed out). */
  done = false;
  #timer: NodeJS.Timeout | undefined = undefined;

  constructor(ms: number, onTimeout: () => void, awaited: boolean) {
    if (ms === Number.POSITIVE_INFINITY) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.done) return;
      this.done = true;
      onTimeout();
    }, ms);
    if (!awaited) this.#timer.unref();
  }

  /** Ends the step. True the first time: the caller settles it; false when it already ended. */
  finish(): boolean {
    if (this.done) return false;
    this.done = true;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return true;
  }

  /** Whether the timer keeps the process alive (somebody awaits the step) or not. */
  await(awaited: boolean): void {
    if (this.#timer === undefined) return;
    if (awaited) this.#timer.ref();
    else this.#timer.unref();
  }
}
