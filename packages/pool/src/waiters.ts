// Acquires waiting for a resource: their queue (one FIFO list per priority, doubly linked so a
// timed-out or aborted waiter leaves in O(1)), their deadlines and their abort subscriptions.
// A waiter leaves the queue exactly once, and the moment it does it loses its timer and its
// abort listener: a rejected waiter can never be handed a resource.

import { abortError, onAbort } from '@leakproof/core';
import type { Lease } from './lease.js';
import { Within } from './settle-within.js';

export interface Waiter<T> {
  resolve: (lease: Lease<T>) => void;
  reject: (error: unknown) => void;
  readonly priority: number;
  readonly stack: string | undefined;
  /** Its own timeout, for a per-call `timeoutMs`. */
  within: Within | undefined;
  /** When it times out, if it waits under the pool's default timeout (on the deadline list). */
  deadline: number;
  dprev: Waiter<T> | undefined;
  dnext: Waiter<T> | undefined;
  onDeadlines: boolean;
  signal: AbortSignal | undefined;
  abort: { dispose(): void } | undefined;
  prev: Waiter<T> | undefined;
  next: Waiter<T> | undefined;
  queued: boolean;
}

interface Level<T> {
  head: Waiter<T> | undefined;
  tail: Waiter<T> | undefined;
}

/** What the waiters need from their pool. */
export interface WaitersHost {
  /** The rejection for a waiter that timed out after `timeoutMs` (counts it, too). */
  timedOut(timeoutMs: number): unknown;
  /** Called when the queue becomes non-empty (`true`) or empty (`false`). */
  occupied(occupied: boolean): void;
}

export class Waiters<T> {
  size = 0;
  readonly #levels: Level<T>[] = [];
  readonly #defaultTimeoutMs: number;
  readonly #host: WaitersHost;
  /** Waiters under the default timeout, in deadline order (= arrival order): one timer serves them all. */
  #dhead: Waiter<T> | undefined = undefined;
  #dtail: Waiter<T> | undefined = undefined;
  #deadlineTimer: NodeJS.Timeout | undefined = undefined;

  constructor(priorityRange: number, defaultTimeoutMs: number, host: WaitersHost) {
    for (let i = 0; i < priorityRange; i++) this.#levels.push({ head: undefined, tail: undefined });
    this.#defaultTimeoutMs = defaultTimeoutMs;
    this.#host = host;
  }

  /** Queues an acquire. `signal` must not be aborted yet. */
  add(
    resolve: (lease: Lease<T>) => void,
    reject: (error: unknown) => void,
    priority: number,
    stack: string | undefined,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): void {
    const waiter: Waiter<T> = {
      resolve,
      reject,
      priority,
      stack,
      within: undefined,
      deadline: 0,
      dprev: undefined,
      dnext: undefined,
      onDeadlines: false,
      signal,
      abort: undefined,
      prev: undefined,
      next: undefined,
      queued: false,
    };
    this.#push(waiter);
    if (this.size === 1) this.#host.occupied(true);
    if (timeoutMs === this.#defaultTimeoutMs) {
      if (timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.deadline = performance.now() + timeoutMs;
        this.#pushDeadline(waiter);
        if (this.#deadlineTimer === undefined) this.#armDeadlines(timeoutMs);
      }
    } else if (timeoutMs !== Number.POSITIVE_INFINITY) {
      // A timer that settles an acquire somebody awaits: ref'd, cleared when the wait ends.
      waiter.within = new Within(timeoutMs, () => this.#timeOut(waiter, timeoutMs), true);
    }
    if (signal !== undefined) {
      waiter.abort = onAbort(signal, () => {
        if (waiter.queued) this.#fail(waiter, abortError(signal));
      });
    }
  }

  /**
   * The next waiter to serve (lowest priority number, then first come), out of the queue
   * with its timer and abort listener gone; `undefined` when none is left. A waiter whose
   * signal has aborted is rejected on the way, never returned.
   */
  shift(): Waiter<T> | undefined {
    const levels = this.#levels;
    while (this.size > 0) {
      let waiter: Waiter<T> | undefined;
      for (let i = 0; i < levels.length; i++) {
        waiter = levels[i]!.head;
        if (waiter !== undefined) break;
      }
      if (waiter === undefined) return undefined;
      if (waiter.signal?.aborted === true) {
        this.#fail(waiter, abortError(waiter.signal));
        continue;
      }
      this.#leave(waiter);
      return waiter;
    }
    return undefined;
  }

  /** Rejects every waiter with `error`. */
  rejectAll(error: unknown): void {
    for (let waiter = this.shift(); waiter !== undefined; waiter = this.shift()) waiter.reject(error);
  }

  #fail(waiter: Waiter<T>, error: unknown): void {
    this.#leave(waiter);
    waiter.reject(error);
  }

  #timeOut(waiter: Waiter<T>, timeoutMs: number): void {
    if (waiter.queued) this.#fail(waiter, this.#host.timedOut(timeoutMs));
  }

  /** Takes a waiter out of the queue and drops its timer and abort listener. */
  #leave(waiter: Waiter<T>): void {
    const level = this.#levels[waiter.priority]!;
    if (waiter.prev === undefined) level.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) level.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.queued = false;
    this.size--;
    if (waiter.onDeadlines) {
      this.#removeDeadline(waiter);
      // The shared timer goes when nobody is left on it; otherwise it re-arms when it fires.
      if (this.#dhead === undefined && this.#deadlineTimer !== undefined) {
        clearTimeout(this.#deadlineTimer);
        this.#deadlineTimer = undefined;
      }
    } else if (waiter.within !== undefined) {
      waiter.within.finish();
      waiter.within = undefined;
    }
    const abort = waiter.abort;
    if (abort !== undefined) {
      waiter.abort = undefined;
      waiter.signal = undefined;
      try {
        abort.dispose();
      } catch {
        // A signal whose removeEventListener throws must not leave the books half-updated;
        // the listener checks `queued` and can do nothing any more.
      }
    }
    if (this.size === 0) this.#host.occupied(false);
  }

  #push(waiter: Waiter<T>): void {
    const level = this.#levels[waiter.priority]!;
    waiter.prev = level.tail;
    if (level.tail === undefined) level.head = waiter;
    else level.tail.next = waiter;
    level.tail = waiter;
    waiter.queued = true;
    this.size++;
  }

  #pushDeadline(waiter: Waiter<T>): void {
    waiter.dprev = this.#dtail;
    if (this.#dtail === undefined) this.#dhead = waiter;
    else this.#dtail.dnext = waiter;
    this.#dtail = waiter;
    waiter.onDeadlines = true;
  }

  #removeDeadline(waiter: Waiter<T>): void {
    if (waiter.dprev === undefined) this.#dhead = waiter.dnext;
    else waiter.dprev.dnext = waiter.dnext;
    if (waiter.dnext === undefined) this.#dtail = waiter.dprev;
    else waiter.dnext.dprev = waiter.dprev;
    waiter.dprev = undefined;
    waiter.dnext = undefined;
    waiter.onDeadlines = false;
  }

  #armDeadlines(ms: number): void {
    // Ref'd: it settles acquires somebody awaits. It exists only while they wait.
    this.#deadlineTimer = setTimeout(() => this.#deadlinesDue(), ms);
  }

  #deadlinesDue(): void {
    this.#deadlineTimer = undefined;
    const now = performance.now();
    let head = this.#dhead;
    while (head !== undefined && head.deadline <= now) {
      this.#timeOut(head, this.#defaultTimeoutMs);
      head = this.#dhead;
    }
    if (head !== undefined && this.#deadlineTimer === undefined) {
      this.#armDeadlines(Math.max(1, head.deadline - now));
    }
  }
}
