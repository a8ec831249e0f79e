// Internal: TieredCache's single-flight — concurrent getOrLoad calls for one key share one
// load. Kept in one place so it can move onto a shared single-flight module as a whole.
import { abortError, onAbort } from '@leakproof/core';

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

interface Flight<V> {
  readonly controller: AbortController;
  readonly waiters: Set<Waiter<V>>;
}

export class Flights<V> {
  readonly #flights = new Map<string, Flight<V>>();

  /** Loads in flight. */
  get size(): number {
    return this.#flights.size;
  }

  /**
   * Joins the load of `key`, starting it with `run` when none is in flight. Aborting `signal`
   * rejects this caller only; the load's own signal aborts once every caller has gone.
   */
  join(key: string, run: (signal: AbortSignal) => Promise<V>, signal: AbortSignal | undefined): Promise<V> {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      const started: Flight<V> = { controller: new AbortController(), waiters: new Set() };
      flight = started;
      this.#flights.set(key, started);
      run(started.controller.signal).then(
        (value) => this.#settle(key, started, (w) => w.resolve(value)),
        (error: unknown) => this.#settle(key, started, (w) => w.reject(error)),
      );
    }
    const joined = flight;
    return new Promise<V>((resolve, reject) => {
      if (signal === undefined) {
        joined.waiters.add({ resolve, reject });
        return;
      }
      const waiter: Waiter<V> = {
        resolve: (value) => {
          subscription.dispose();
          resolve(value);
        },
        reject: (error) => {
          subscription.dispose();
          reject(error);
        },
      };
      joined.waiters.add(waiter);
      const subscription = onAbort(signal, () => {
        if (!joined.waiters.delete(waiter)) return;
        reject(abortError(signal));
        // The last caller gone: abort the load and let the next caller start afresh.
        if (joined.waiters.size === 0) {
          if (this.#flights.get(key) === joined) this.#flights.delete(key);
          joined.controller.abort(signal.reason);
        }
      });
    });
  }

  /** Rejects every caller with `error` and aborts every load (close). */
  rejectAll(error: unknown): void {
    const flights = [...this.#flights.values()];
    this.#flights.clear();
    for (const flight of flights) {
      const waiters = [...flight.waiters];
      flight.waiters.clear();
      for (const waiter of waiters) waiter.reject(error);
      flight.controller.abort(error);
    }
  }

  #settle(key: string, flight: Flight<V>, deliver: (waiter: Waiter<V>) => void): void {
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
    const waiters = [...flight.waiters];
    flight.waiters.clear();
    for (const waiter of waiters) deliver(waiter);
  }
}
