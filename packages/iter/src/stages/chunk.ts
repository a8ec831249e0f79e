import {
  invalidArgType,
  validateDuration,
  validateFunction,
  validateInteger,
  validatePositiveInteger,
} from '@leakproof/core';
import { BaseStage } from '../internal/base-stage.js';
import { stageOptions } from '../internal/options.js';
import { Reader } from '../internal/reader.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

/** Options for {@link chunk}. */
export interface ChunkOptions<T> extends StageOptions {
  /** Most items in a batch. Required: a batch is never unbounded. Integer 1..2^24. */
  readonly size: number;
  /**
   * Most bytes in a batch, as {@link ChunkOptions.sizeOf} counts them. An item that would
   * push the batch past it starts the next batch; an item larger than `maxBytes` on its
   * own travels alone.
   */
  readonly maxBytes?: number | undefined;
  /**
   * The size of one item in bytes. @default byte length of strings (UTF-8), `ArrayBuffer`s
   * and typed arrays; any other item makes the stage fail with `ERR_INVALID_ARG_TYPE`.
   */
  readonly sizeOf?: ((item: T) => number) | undefined;
  /**
   * Flushes a partial batch this many milliseconds after its first item arrived when the
   * source is slow to fill it. The timer keeps the process alive while a `next()` waits on
   * it (as `timers/promises` does for an awaited timer) and not otherwise; closing the
   * stage clears it. @default no timed flush
   */
  readonly maxWaitMs?: number | undefined;
}

const CHUNK_KEYS = ['size', 'maxBytes', 'sizeOf', 'maxWaitMs'];

function defaultSizeOf(item: unknown): number {
  if (typeof item === 'string') return Buffer.byteLength(item);
  if (item instanceof ArrayBuffer || ArrayBuffer.isView(item)) return item.byteLength;
  throw invalidArgType('item', 'a string, ArrayBuffer or typed array (or pass `sizeOf`)', item);
}

class ChunkStage<T> extends BaseStage<T[]> {
  readonly #reader: Reader<T>;
  readonly #size: number;
  readonly #maxBytes: number;
  readonly #sizeOf: ((item: T) => number) | undefined;
  readonly #maxWaitMs: number | undefined;
  #batch: T[] = [];
  #bytes = 0;
  /** Complete batches no `next()` has taken yet (at most two: a full one and a byte overflow). */
  #ready: T[][] = [];
  #sourceDone = false;
  /** The batch's wait expired while nobody was asking: hand it out on the next call. */
  #due = false;
  #timer: NodeJS.Timeout | undefined;
  /** Whether {@link #timer} holds the process open: only while a `next()` waits on it. */
  #timerRef = false;

  constructor(source: Source<T>, o: ChunkOptions<T>) {
    super('chunk', o, true);
    this.#size = o.size;
    this.#maxBytes = o.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#sizeOf =
      o.maxBytes === undefined ? undefined : (o.sizeOf ?? (defaultSizeOf as (item: T) => number));
    this.#maxWaitMs = o.maxWaitMs;
    this.#reader = new Reader(source, this.#onRead, this.#onReadError);
  }

  protected override extraStats(): Record<string, number> {
    let held = this.#batch.length;
    for (const batch of this.#ready) held += batch.length;
    return { pulled: this.#reader.reads, buffered: held, bytes: this.#bytes };
  }

  protected pump(): void {
    this.#fill();
    this.#holdProcess();
  }

  /**
   * The timed flush settles a `next()` somebody awaits, so while one waits the timer keeps
   * the process alive (a one-shot script awaiting a slow source must not exit before its
   * batch); while nobody waits it does not.
   */
  #holdProcess(): void {
    const timer = this.#timer;
    if (timer === undefined) return;
    const awaited = this.waiting > 0;
    if (awaited === this.#timerRef) return;
    this.#timerRef = awaited;
    if (awaited) timer.ref();
    else timer.unref();
  }

  #fill(): void {
    const reader = this.#reader;
    while (this.waiting > 0 && this.isOpen) {
      if (this.#ready.length > 0) {
        this.deliver(this.#ready.shift()!);
        continue;
      }
      if (this.#sourceDone || this.#due) {
        if (this.#batch.length > 0) {
          this.deliver(this.#takeBatch());
          continue;
        }
        if (this.#sourceDone) {
          this.complete();
          return;
        }
        this.#due = false;
      }
      if (reader.reading) return;
      // A synchronous source fills the whole batch in one go. undefined: an async read is
      // under way, or the source failed (#onReadError ran).
      try {
        do {
          const result = reader.read();
          if (result === undefined) return;
          if (result.done === true) {
            this.#sourceDone = true;
            break;
          }
          this.#add(result.value); // throws only what sizeOf throws
        } while (this.#ready.length === 0);
      } catch (error) {
        this.fail(error);
        return;
      }
    }
  }

  protected release(): Promise<void> {
    this.#clearTimer();
    this.#batch = [];
    this.#ready = [];
    return this.#reader.close();
  }

  /** {@link #add}; false when `sizeOf` failed the stage. */
  #tryAdd(item: T): boolean {
    // Only a `sizeOf` can throw: without one, no try/catch on the hot path.
    if (this.#sizeOf === undefined) {
      this.#add(item);
      return true;
    }
    try {
      this.#add(item);
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  #add(item: T): void {
    if (this.#sizeOf !== undefined) {
      const bytes = this.#sizeOf(item);
      if (typeof bytes !== 'number' || !(bytes >= 0)) {
        throw invalidArgType('sizeOf(item)', 'a number from 0 and up', bytes);
      }
      if (this.#batch.length > 0 && this.#bytes + bytes > this.#maxBytes) this.#ready.push(this.#takeBatch());
      this.#bytes += bytes;
    }
    const batch = this.#batch;
    batch.push(item);
    if (batch.length >= this.#size || this.#bytes >= this.#maxBytes) {
      this.#ready.push(this.#takeBatch());
    } else if (batch.length === 1 && this.#maxWaitMs !== undefined) {
      this.#timer = setTimeout(this.#onTimer, this.#maxWaitMs);
      this.#timerRef = true;
      this.#holdProcess();
    }
  }

  #takeBatch(): T[] {
    const batch = this.#batch;
    this.#batch = [];
    this.#bytes = 0;
    this.#due = false;
    this.#clearTimer();
    return batch;
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#timerRef = false;
    }
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerRef = false;
    if (!this.isOpen || this.#batch.length === 0) return;
    this.#due = true;
    this.pump();
  };

  readonly #onRead = (result: IteratorResult<T>): void => {
    if (!this.isOpen) return;
    if (result.done === true) this.#sourceDone = true;
    else {
      if (!this.#tryAdd(result.value)) return;
      // Hot path: the batch is still filling for a waiting next(): read on directly.
      if (this.#ready.length === 0 && !this.#due && this.waiting > 0) {
        this.#reader.read();
        return;
      }
    }
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    if (this.isOpen) this.fail(error);
  };
}

/**
 * Groups items into arrays of at most `size` items (and at most `maxBytes` bytes), and
 * hands out a partial batch `maxWaitMs` after its first item when the source is slow.
 * Reads only while a `next()` is waiting: it holds at most one batch (plus one item
 * carried over a byte limit, plus one read still pending after a timed flush).
 *
 * @example
 * ```ts
 * for await (const rows of chunk(paginate(fetchPage, { limit: 5000 }), { size: 500, maxWaitMs: 1000 })) {
 *   await insertMany(rows);
 * }
 * ```
 */
export function chunk<T>(source: Source<T>, options: number | ChunkOptions<T>): Stage<T[]> {
  validateSource(source, 'source');
  if (typeof options === 'number') {
    validatePositiveInteger(options, 'size');
    return new ChunkStage(source, { size: options });
  }
  const o = stageOptions<ChunkOptions<T>>(options, 'chunk', CHUNK_KEYS);
  validatePositiveInteger(o.size, 'options.size');
  if (o.maxBytes !== undefined) validateInteger(o.maxBytes, 'options.maxBytes', { min: 1 });
  if (o.sizeOf !== undefined) validateFunction(o.sizeOf, 'options.sizeOf');
  if (o.maxWaitMs !== undefined) validateDuration(o.maxWaitMs, 'options.maxWaitMs');
  return new ChunkStage(source, o as ChunkOptions<T>);
}
