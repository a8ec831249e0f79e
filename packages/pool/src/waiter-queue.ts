// Acquires waiting for a resource: one FIFO list per priority level, doubly linked so a
// timed-out or aborted waiter leaves in O(1) and the queue never holds dead entries.

import type { Lease } from './lease.js';

export interface Waiter<T> {
  resolve: (lease: Lease<T>) => void;
  reject: (error: unknown) => void;
  readonly priority: number;
  readonly stack: string | undefined;
  timer: NodeJS.Timeout | undefined;
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
