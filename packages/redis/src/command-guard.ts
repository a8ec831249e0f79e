// Internal: every Redis command the package sends goes through one guard, which gives it
// a deadline, a bound on how many may be pending, a readiness check (so nothing is handed
// to an offline queue) and the circuit breaker.
import { createError } from '@leakproof/core';
import type { CircuitBreaker } from './circuit-breaker.js';
import { RedisUnavailableError } from './errors.js';
import type { RedisClient } from './redis-client.js';

// Replies that mean the server is there but cannot serve right now.
const UNAVAILABLE_REPLY = /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|BUSY)\b/;

function isServerReply(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(error.message);
}

const FIRST_CONNECT = new Set(['wait', 'connecting', 'connect', 'reconnecting']);

// The last connection error (ECONNREFUSED, ...) of a client since it was last ready —
// remembered so that failures say what happened (`cause`), and so that calls fail fast once
// the connection is known to be refused instead of each waiting for its deadline. One pair
// of listeners per client however many caches share it, taken off with the last cache.
interface ClientWatch {
  connectionError: Error | undefined;
  users: number;
  readonly detach: () => void;
}

const watches = new WeakMap<RedisClient, ClientWatch>();

function watchClient(client: RedisClient): ClientWatch {
  let watch = watches.get(client);
  if (watch === undefined) {
    const onError = (error: Error): void => {
      if (client.status !== 'ready') created.connectionError = error;
    };
    const onReady = (): void => {
      created.connectionError = undefined;
    };
    const created: ClientWatch = {
      connectionError: undefined,
      users: 0,
      detach: () => {
        client.off('error', onError);
        client.off('ready', onReady);
      },
    };
    client.on('error', onError);
    client.on('ready', onReady);
    watches.set(client, created);
    watch = created;
  }
  watch.users++;
  return watch;
}

function unwatchClient(client: RedisClient, watch: ClientWatch): void {
  if (--watch.users > 0) return;
  watch.detach();
  if (watches.get(client) === watch) watches.delete(client);
}

export class CommandGuard {
  pending = 0;
  timeouts = 0;
  failures = 0;
  rejected = 0;

  #everReady = false;
  /** The client's last connection error, shared by every guard on the client. */
  readonly #watch: ClientWatch;
  #released = false;
  #deadlines: Deadline[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #ready: Promise<void> | undefined;
  // Deadlines pass by this clock; the timer only says when to look.
  readonly #clock: { now(): number };

  constructor(
    readonly client: RedisClient,
    readonly breaker: CircuitBreaker,
    readonly timeoutMs: number,
    readonly maxPending: number,
    readonly what: string,
    clock: { now(): number } = performance,
  ) {
    this.#clock = clock;
    this.#watch = watchClient(client);
  }

  #unreachable(status: string): RedisUnavailableError {
    const cause = this.#watch.connectionError;
    this.failures++;
    const error =
      cause === undefined
        ? new RedisUnavailableError(this.what, `the connection is not ready (status \`${status}\`)`)
        : new RedisUnavailableError(this.what, `Redis is not reachable: ${cause.message}`, { cause });
    this.breaker.failure(error);
    return error;
  }

  /** Resolves on the client's first `ready`; one listener however many calls wait. */
  #firstReady(): Promise<void> {
    if (this.#ready !== undefined) return this.#ready;
    const client = this.client;
    this.#ready = new Promise<void>((resolve, reject) => {
      const off = (): void => {
        client.off('ready', onReady);
        client.off('end', onEnd);
        client.off('error', onError);
      };
      const onReady = (): void => {
        off();
        this.#everReady = true;
        resolve();
      };
      const onEnd = (): void => {
        off();
        this.#ready = undefined;
        reject(new Error('the connection was closed before it became ready'));
      };
      // A refused connection (ECONNREFUSED, ...) fails the waiting calls at once, with the
      // error as their cause, instead of each waiting for its deadline.
      const onError = (error: Error): void => {
        if (client.status === 'ready') return;
        off();
        this.#ready = undefined;
        reject(error);
      };
      client.once('ready', onReady);
      client.once('end', onEnd);
      client.on('error', onError);
    });
    // A lazy client connects on its first command; since we hold the command back, connect it.
    if (client.status === 'wait') client.connect().catch(() => {});
    return this.#ready;
  }

  /**
   * Runs `op` (one command or pipeline) under the guard. `map`, when given, turns the reply
   * into the result (a throw rejects the call) without one more promise layer.
   */
  run<T, R = T>(op: () => Promise<T>, map?: (reply: T) => R): Promise<R> {
    if (this.pending >= this.maxPending) {
      this.rejected++;
      return Promise.reject(
        new RedisUnavailableError(this.what, `${this.pending} commands are already pending (maxPending)`),
      );
    }
    if (!this.breaker.allow()) {
      this.rejected++;
      return Promise.reject(
        new RedisUnavailableError(
          this.what,
          `the circuit breaker is open after ${this.breaker.failureThreshold} consecutive failures`,
          { cause: this.breaker.lastError },
        ),
      );
    }
    const deadline = new Deadline(this.#clock.now() + this.timeoutMs);
    const status = this.client.status;
    let promise: Promise<T>;
    if (status === 'ready') {
      this.#everReady = true;
      try {
        promise = op();
      } catch (error) {
        this.breaker.success();
        return Promise.reject(error);
      }
    } else if (!this.#everReady && FIRST_CONNECT.has(status) && this.#watch.connectionError === undefined) {
      // A client still making its first connection: wait for it (within the deadline)
      // rather than fail a service that has just started. Later drops fail fast.
      // A call whose deadline passed meanwhile is never sent: its caller was told it failed.
      promise = this.#firstReady().then(() =>
        deadline.settled
          ? Promise.reject(new Error('the deadline passed before the connection was ready'))
          : op(),
      );
    } else {
      return Promise.reject(this.#unreachable(status));
    }
    this.pending++;
    const result = new Promise<R>((resolve, reject) => {
      deadline.resolve = resolve as (value: unknown) => void;
      deadline.reject = reject;
    });
    this.#track(deadline);
    promise.then(
      (value) => {
        // `pending` counts commands until the client settles them, so the bound holds
        // even for commands whose callers already timed out.
        this.pending--;
        if (deadline.settled) return;
        this.#settle(deadline);
        this.breaker.success();
        if (map === undefined) return deadline.resolve(value);
        let mapped: R;
        try {
          mapped = map(value);
        } catch (error) {
          return deadline.reject(error);
        }
        deadline.resolve(mapped);
      },
      (cause: unknown) => {
        this.pending--;
        if (deadline.settled) return;
        this.#settle(deadline);
        if (isServerReply(cause)) {
          this.breaker.success();
          deadline.reject(cause);
          return;
        }
        this.failures++;
        const error = new RedisUnavailableError(
          this.what,
          cause instanceof Error ? cause.message : String(cause),
          {
            cause,
          },
        );
        this.breaker.failure(error);
        deadline.reject(error);
      },
    );
    return result;
  }

  /** A call missed its deadline: it fails now (the command still counts as pending until the client settles it). */
  #timedOut(deadline: Deadline): void {
    this.timeouts++;
    this.failures++;
    const refused = this.client.status === 'ready' ? undefined : this.#watch.connectionError;
    const error = new RedisUnavailableError(
      this.what,
      refused === undefined
        ? `Redis did not answer within ${this.timeoutMs} ms`
        : `Redis did not answer within ${this.timeoutMs} ms: ${refused.message}`,
      { cause: refused ?? createError('ERR_TIMEOUT', { what: 'Redis', timeoutMs: this.timeoutMs }) },
    );
    this.breaker.failure(error);
    deadline.reject(error);
  }

  /**
   * On close: takes the guard's listeners off the client, and disarms the deadline timer
   * when nothing is pending (pending calls keep it until they settle).
   */
  release(): void {
    if (!this.#released) {
      this.#released = true;
      unwatchClient(this.client, this.#watch);
    }
    if (this.#head === this.#deadlines.length && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  // Deadlines without a timer per call: every call of a guard has the same timeout, so
  // deadlines arrive in the order calls start. They wait in a FIFO; one timer is armed for
  // the oldest. Settled calls leave from the front as soon as they reach it. The timer is
  // ref'd (a caller awaits it) and cleared as soon as nothing is pending.
  #track(deadline: Deadline): void {
    this.#deadlines.push(deadline);
    if (this.#timer === undefined) this.#arm(this.timeoutMs);
  }

  #settle(deadline: Deadline): void {
    deadline.settled = true;
    const queue = this.#deadlines;
    while (this.#head < queue.length && queue[this.#head]!.settled) this.#head++;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
      if (this.#timer !== undefined) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    } else if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#deadlines = queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(ms: number): void {
    // Never longer than one timeout: an injected clock may have moved on meanwhile.
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, Math.ceil(Math.min(ms, this.timeoutMs))));
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    const queue = this.#deadlines;
    while (this.#head < queue.length) {
      const deadline = queue[this.#head]!;
      if (!deadline.settled) {
        if (deadline.at > now) break;
        deadline.settled = true;
        this.#timedOut(deadline);
      }
      this.#head++;
    }
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    } else {
      this.#arm(queue[this.#head]!.at - now);
    }
  }
}

// One pending call: its deadline and how to settle its caller. One object per call, no
// closures of its own.
class Deadline {
  settled = false;
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;
  constructor(readonly at: number) {}
}

function noop(): void {}
