// Instrumented sources and small async tools shared by the iter tests.
import { setImmediate as immediate } from 'node:timers/promises';

/** What an instrumented source saw. */
export interface Probe<T> {
  readonly source: AsyncGenerator<T>;
  /** Items the source has produced (read by the pipeline). */
  readonly pulled: () => number;
  /** How many times its `finally` ran (0 or 1 for a generator). */
  readonly closed: () => number;
  /** True while its `finally` is running (it awaits before finishing). */
  readonly closing: () => boolean;
}

export interface ProbeOptions {
  /** Wait this long (ms) before each item; 0 = a macrotask turn; undefined = no wait. */
  readonly delayMs?: number;
  /** Throw this error instead of producing the item at this index. */
  readonly failAt?: number;
  readonly error?: unknown;
  /** Wait in `finally` (ms) before counting the close, to prove close is awaited. */
  readonly finallyDelayMs?: number;
  /** Called with each item before it is produced; may block (a gate). */
  readonly before?: (index: number) => Promise<void> | void;
}

/** An async generator over `items` that counts what it produced and when it closed. */
export function probe<T>(items: Iterable<T>, options: ProbeOptions = {}): Probe<T> {
  let pulled = 0;
  let closed = 0;
  let closing = false;
  async function* gen(): AsyncGenerator<T> {
    try {
      let i = 0;
      for (const item of items) {
        if (options.delayMs !== undefined) await sleep(options.delayMs);
        await options.before?.(i);
        if (options.failAt === i) throw options.error ?? new Error(`source failed at ${i}`);
        pulled++;
        i++;
        yield item;
      }
    } finally {
      closing = true;
      if (options.finallyDelayMs !== undefined) await sleep(options.finallyDelayMs);
      closed++;
      closing = false;
    }
  }
  return { source: gen(), pulled: () => pulled, closed: () => closed, closing: () => closing };
}

/** A synchronous iterable over `items` that counts reads and `return()` calls. */
export function syncProbe<T>(items: readonly T[]) {
  let pulled = 0;
  let returned = 0;
  const source: Iterable<T> = {
    [Symbol.iterator]() {
      let i = 0;
      return {
        next: (): IteratorResult<T> => {
          if (i >= items.length) return { done: true, value: undefined };
          pulled++;
          return { done: false, value: items[i++]! };
        },
        return: () => {
          returned++;
          return { done: true, value: undefined };
        },
      };
    },
  };
  return { source, pulled: () => pulled, returned: () => returned };
}

/** 0, 1, ..., n-1 */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits for `condition` to hold, polling once per macrotask turn: for a state reached through
 * a real timer (a source's slow `finally`), which a loaded machine may delay. Fails after
 * `turns` turns, a safety net and not a timing assertion.
 */
export async function until(condition: () => boolean, what: string, turns = 10_000): Promise<void> {
  for (let i = 0; !condition(); i++) {
    if (i === turns) throw new Error(`never happened: ${what}`);
    await sleep(1);
  }
}

/** Lets every pending microtask and a few macrotask turns run: "as far as it will go". */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await immediate();
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A promise that never settles (for fns stuck until aborted). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
