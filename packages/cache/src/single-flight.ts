import { abortError, createError, onAbort, validateOptions } from '@leakproof/core';

/**
 * A read of one key that a later write or invalidation can make stale. While it is
 * {@link ReadTicket.current}, nothing has written or invalidated the key since the read
 * began, so its result may be stored; once it is not, storing it would bring back data
 * somebody replaced or deleted.
 */
export interface ReadTicket {
  /** `true` until the key is written or invalidated (or everything is), or the load is abandoned. */
  readonly current: boolean;
  /** Ends the read (idempotent). A ticket from {@link SingleFlight.run} is released for you. */
  release(): void;
}

/** What a load started by {@link SingleFlight.run} receives. */
export interface LoadTicket extends ReadTicket {
  /**
   * Aborts when every caller waiting for this load has gone, or when
   * {@link SingleFlight.abortAll} runs. Pass it to the work the load does.
   */
  readonly signal: AbortSignal;
}

interface KeyReads {
  count: number;
  epoch: number;
}

class Ticket<K> implements ReadTicket {
  readonly #owner: SingleFlight<K, unknown>;
  readonly #reads: KeyReads;
  readonly #epoch: number;
  readonly #generation: number;
  #released = false;

  constructor(
    owner: SingleFlight<K, unknown>,
    reads: KeyReads,
    generation: number,
    readonly key: K,
  ) {
    this.#owner = owner;
    this.#reads = reads;
    this.#epoch = reads.epoch;
    this.#generation = generation;
  }

  get current(): boolean {
    return (
      !this.#released && this.#reads.epoch === this.#epoch && this.#owner.generation === this.#generation
    );
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#owner.endRead(this.key, this.#reads);
  }
}

interface Flight<K, V> {
  readonly key: K;
  readonly promise: Promise<V>;
  readonly controller: AbortController;
  readonly resolve: (value: V) => void;
  readonly reject: (error: unknown) => void;
  readonly ticket: ReadTicket;
  waiters: number;
  /** Settled, abandoned or aborted: nothing more reaches its callers. */
  done: boolean;
}

class FlightTicket implements LoadTicket {
  constructor(
    readonly signal: AbortSignal,
    readonly read: ReadTicket,
  ) {}

  get current(): boolean {
    return !this.signal.aborted && this.read.current;
  }

  release(): void {
    this.read.release();
  }
}

const noop = (): void => {};

/**
 * Load once per key, however many callers ask at once — the single-flight mechanism under
 * `BoundedMap.getOrLoad` and `memoize`, usable by any cache tier.
 *
 * - **One load per key.** {@link SingleFlight.run} joins the load in flight for the key, or
 *   starts one. The load decides what to store, and stores only while its
 *   {@link LoadTicket.current} is `true`.
 * - **A write during the load wins.** Call {@link SingleFlight.invalidate} whenever the key is
 *   written or deleted (and {@link SingleFlight.invalidateAll} when everything is): the load in
 *   flight is detached (its callers still get its value; the next caller starts a fresh
 *   load) and its ticket stops being current, so stale data never overwrites the write.
 *   Reads outside a load (a second tier's plain `get`) take a ticket with
 *   {@link SingleFlight.track} for the same guarantee.
 * - **Each caller can abort alone.** A caller's `signal` rejects that caller only, with an
 *   `AbortError` (code `ABORT_ERR`, `cause` = the reason); an aborted caller never receives
 *   the value. When every caller has gone, the load's own signal aborts, its result is
 *   discarded and it no longer counts as in flight.
 * - **Rejected loads leave nothing:** no entry, no ticket, no listener.
 *
 * @example
 * ```ts
 * const flights = new SingleFlight<string, User>();
 * function getUser(id: string, signal?: AbortSignal): Promise<User> {
 *   const cached = users.get(id);
 *   if (cached !== undefined) return Promise.resolve(cached);
 *   return flights.run(id, async ({ signal, current }) => {
 *     const user = await db.user(id, { signal });
 *     if (current) users.set(id, user); // `current` is read after the await: still no write since
 *     return user;
 *   }, signal);
 * }
 * // on every write: users.set(id, user); flights.invalidate(id);
 * ```
 * (Read `ticket.current` after the awaits, at the moment of storing: destructuring it
 * early would read it too soon.)
 */
export class SingleFlight<K, V> {
  readonly #flights = new Map<K, Flight<K, V>>();
  readonly #reads = new Map<K, KeyReads>();
  #running = 0;
  /** @internal Bumped by {@link SingleFlight.invalidateAll}. */
  generation = 0;

  /** It takes no options today; an options object must be empty (`undefined` is fine). */
  constructor(options?: Readonly<Record<string, never>>) {
    validateOptions(options, 'options', [], { owner: 'SingleFlight' });
  }

  /** Loads started and not yet settled, excluding those every caller abandoned. */
  get size(): number {
    return this.#running;
  }

  /** Whether callers of `run(key)` would join a load in flight now. */
  has(key: K): boolean {
    return this.#flights.has(key);
  }

  /**
   * Joins the load in flight for `key`, or starts `load(ticket)` (called synchronously)
   * and waits for it. Resolves with the load's value; rejects with its error, with an
   * `AbortError` when `signal` aborts first, or with the reason given to
   * {@link SingleFlight.abortAll}.
   */
  run(key: K, load: (ticket: LoadTicket) => V | PromiseLike<V>, signal?: AbortSignal): Promise<V> {
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const flight = this.#flights.get(key) ?? this.#start(key, load);
    return this.#wait(flight, signal);
  }

  /** Takes a ticket for a read of `key` outside {@link SingleFlight.run}; release it when the read ends. */
  track(key: K): ReadTicket {
    let reads = this.#reads.get(key);
    if (reads === undefined) {
      reads = { count: 0, epoch: 0 };
      this.#reads.set(key, reads);
    }
    reads.count++;
    return new Ticket(this as SingleFlight<K, unknown>, reads, this.generation, key);
  }

  /** `key` was written or deleted: no read or load of it in progress may store its result. */
  invalidate(key: K): void {
    if (this.#reads.size === 0) return;
    const reads = this.#reads.get(key);
    if (reads === undefined) return;
    reads.epoch++;
    this.#flights.delete(key);
  }

  /** Everything was written or cleared: no read or load in progress may store its result. */
  invalidateAll(): void {
    this.generation++;
    this.#flights.clear();
  }

  /**
   * Rejects every caller of every load in flight with `reason` and aborts the loads' signals
   * with it (for a dispose or close). Loads started afterwards work as usual.
   */
  abortAll(reason: unknown): void {
    const flights = [...this.#flights.values()];
    this.invalidateAll();
    for (const flight of flights) this.#finish(flight, reason, true);
  }

  /** @internal A ticket was released. */
  endRead(key: K, reads: KeyReads): void {
    if (--reads.count === 0 && this.#reads.get(key) === reads) this.#reads.delete(key);
  }

  #start(key: K, load: (ticket: LoadTicket) => V | PromiseLike<V>): Flight<K, V> {
    const controller = new AbortController();
    let resolve!: (value: V) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<V>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(noop); // delivered to every waiter; with none left, nobody needs it
    const read = this.track(key);
    const flight: Flight<K, V> = {
      key,
      promise,
      controller,
      resolve,
      reject,
      ticket: read,
      waiters: 0,
      done: false,
    };
    this.#flights.set(key, flight);
    this.#running++;
    let result: V | PromiseLike<V>;
    try {
      result = load(new FlightTicket(controller.signal, read));
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      (value) => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
        if (flight.done) return read.release();
        flight.done = true;
        this.#running--;
        read.release();
        resolve(value);
      },
      (error: unknown) => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
        if (flight.done) return read.release();
        flight.done = true;
        this.#running--;
        read.release();
        reject(error);
      },
    );
    return flight;
  }

  #wait(flight: Flight<K, V>, signal: AbortSignal | undefined): Promise<V> {
    flight.waiters++;
    if (signal === undefined) return flight.promise;
    return new Promise<V>((resolve, reject) => {
      let left = false;
      const subscription = onAbort(signal, () => {
        if (left) return;
        left = true;
        reject(abortError(signal));
        this.#leave(flight);
      });
      flight.promise.then(
        (value) => {
          subscription.dispose();
          if (!left) resolve(value);
          left = true;
        },
        (error: unknown) => {
          subscription.dispose();
          if (!left) reject(error);
          left = true;
        },
      );
    });
  }

  /** A caller stopped waiting; the last one to go abandons the load. */
  #leave(flight: Flight<K, V>): void {
    if (--flight.waiters !== 0 || flight.done) return;
    this.#finish(flight, createError('ERR_CACHE_LOAD_ABANDONED'), false);
  }

  #finish(flight: Flight<K, V>, reason: unknown, rejectCallers: boolean): void {
    if (flight.done) return;
    flight.done = true;
    this.#running--;
    if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key);
    flight.controller.abort(reason);
    if (rejectCallers || flight.waiters === 0) flight.reject(reason);
  }
}
