import type { PrimitiveStats } from '@leakproof/core';

/** Options every stage with an options bag accepts. */
export interface StageOptions {
  /**
   * Aborting it closes the stage: the source is closed, in-flight work sees an aborted
   * signal, and the pending (or next) `next()` rejects with an `AbortError` once the
   * source's `finally` has run. The listener is removed when the stage closes.
   */
  readonly signal?: AbortSignal | undefined;
  /** Shown in `listPrimitives()` and diagnostics events. @default `iter#<id>` */
  readonly name?: string | undefined;
}

/** What a stage's `stats()` reports; every stage reports `yielded` and `waiting`. */
export type StageStats = PrimitiveStats;

/** What the callbacks of {@link mapConcurrent}, {@link flatMap} and {@link forEach} receive besides the item. */
export interface WorkContext {
  /** Aborted when the stage closes: consumer stopped, caller's signal aborted, or another call failed. */
  readonly signal: AbortSignal;
  /** The item's position in the source, from 0. */
  readonly index: number;
}

/**
 * The async generator every iter function returns. Beyond the `AsyncGenerator` protocol
 * it has `stats()`, `close()` and `[Symbol.asyncDispose]`, so `await using` closes it.
 *
 * `[Symbol.asyncDispose]` is declared here, not inherited from TypeScript's
 * `lib.esnext.disposable` (where `AsyncGenerator` gets it), so `await using stage = chunk(…)`
 * compiles with the default lib of `target: ES2022` too; `Symbol.asyncDispose` itself is
 * declared by `@types/node`.
 */
export interface Stage<T> extends AsyncGenerator<T, undefined, unknown> {
  /** The name given in the options, if any. */
  readonly name: string | undefined;
  /** Plain numbers: `yielded`, `waiting`, and per stage `pulled`, `inFlight`, `buffered`, ... */
  stats(): StageStats;
  /** The named form of `return()`: closes the stage and its source. Idempotent. */
  close(): Promise<void>;
  /** Same as `return()`: `await using it = chunk(...)` closes the pipeline on scope exit. */
  [Symbol.asyncDispose](): Promise<void>;
}
