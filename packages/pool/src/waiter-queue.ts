// Acquires waiting for a resource: one FIFO list per priority level, doubly linked so a
// timed-out or aborted waiter leaves in O(1) and the queue never holds dead entries.

import type { Lease } from './lease.js';

export interface Waiter<T> {
  resolve: (lease: Lease<T>) => void;
  reject: (error: unknown) => void;
  readonly priority: number;
  readonly stack: string | undefined;
  /** Its own timer, for a per-call `timeoutMs`. */
  timer: NodeJS.Timeout | undefined;
  /** When it times out, if it waits under the pool's default timeout (on the deadline list). */
  deadline: number;
  dprev: Waiter<T> | undefined;
  dnext: Waiter<T> | undefined;
  onDeadlines: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter<T> | undefined;
  next: Waiter<T> | undefined;
  queued: boolean;
}

interface Level<T> {
  head: Waiter<T> | undefined;
  tail: Waiter<T> | undefined;
}

export class WaiterQueue<T> {
  size = 0;
  readonly #levels: Level<T>[] = [];

  constructor(priorityRange: number) {
    for (let i = 0; i < priorityRange; i++) this.#levels.push({ head: undefined, tail: undefined });
  }

  push(waiter: Waiter<T>): void {
    const level = this.#levels[waiter.priority]!;
    waiter.prev = level.tail;
    waiter.next = undefined;
    if (level.tail === undefined) level.head = waiter;
    else level.tail.next = waiter;
    level.tail = waiter;
    waiter.queued = true;
    this.size++;
  }

  /** The first waiter of the most urgent non-empty level, removed. */
  shift(): Waiter<T> | undefined {
    if (this.size === 0) return undefined;
    for (const level of this.#levels) {
      const waiter = level.head;
      if (waiter !== undefined) {
        this.remove(waiter);
        return waiter;
      }
    }
    return undefined;
  }

  remove(waiter: Waiter<T>): void {
    if (!waiter.queued) return;
    const level = this.#levels[waiter.priority]!;
    if (waiter.prev === undefined) level.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) level.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    waiter.queued = false;
    this.size--;
  }
}

/**
 * Waiters under the pool's default timeout, in order of deadline. They all wait the same
 * time, so arrival order is deadline order: one timer for the head serves them all.
 */
export class DeadlineList<T> {
  head: Waiter<T> | undefined = undefined;
  #tail: Waiter<T> | undefined = undefined;

  push(waiter: Waiter<T>): void {
    waiter.dprev = this.#tail;
    waiter.dnext = undefined;
    if (this.#tail === undefined) this.head = waiter;
    else this.#tail.dnext = waiter;
    this.#tail = waiter;
    waiter.onDeadlines = true;
  }

  remove(waiter: Waiter<T>): void {
    if (!waiter.onDeadlines) return;
    if (waiter.dprev === undefined) this.head = waiter.dnext;
    else waiter.dprev.dnext = waiter.dnext;
    if (waiter.dnext === undefined) this.#tail = waiter.dprev;
    else waiter.dnext.dprev = waiter.dprev;
    waiter.dprev = undefined;
    waiter.dnext = undefined;
    waiter.onDeadlines = false;
  }
}
