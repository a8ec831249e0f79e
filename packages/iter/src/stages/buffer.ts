import { validatePositiveInteger } from '@leakproof/core';
import { BaseStage } from '../internal/base-stage.js';
import { stageOptions } from '../internal/options.js';
import { Reader } from '../internal/reader.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

class BufferStage<T> extends BaseStage<T> {
  readonly #reader: Reader<T>;
  readonly #size: number;
  #queue: T[] = [];
  #head = 0;
  #sourceDone = false;
  #sourceError: { error: unknown } | undefined;

  constructor(source: Source<T>, size: number, options: StageOptions | undefined) {
    super('buffer', options, true);
    this.#size = size;
    this.#reader = new Reader(source, this.#onRead, this.#onReadError);
  }

  protected override extraStats(): Record<string, number> {
    return { pulled: this.#reader.reads, buffered: this.#queue.length - this.#head };
  }

  protected pump(): void {
    while (this.waiting > 0 && this.#head < this.#queue.length) {
      const value = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as T;
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      this.deliver(value);
    }
    if (this.waiting > 0 && this.#head === this.#queue.length) {
      // Items read before a source error are handed out first, as they would be unbuffered.
      if (this.#sourceError !== undefined) {
        this.fail(this.#sourceError.error);
        return;
      }
      if (this.#sourceDone) {
        this.complete();
        return;
      }
    }
    const reader = this.#reader;
    while (
      this.isOpen &&
      !reader.reading &&
      !reader.finished &&
      this.#queue.length - this.#head < this.#size
    ) {
      // undefined: an async read is under way, or the source failed (#onReadError ran).
      const result = reader.read();
      if (result === undefined) return;
      if (result.done === true) this.#sourceDone = true;
      else this.#queue.push(result.value);
      if (this.waiting > 0) {
        this.pump();
        return;
      }
    }
  }

  protected release(): Promise<void> {
    this.#queue = [];
    this.#head = 0;
    return this.#reader.close();
  }

  readonly #onRead = (result: IteratorResult<T>): void => {
    if (!this.isOpen) return;
    if (result.done === true) this.#sourceDone = true;
    else this.#queue.push(result.value);
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    if (!this.isOpen) return;
    this.#sourceError = { error };
    this.pump();
  };
}

/**
 * Reads ahead of a slow consumer: keeps up to `size` items ready (one read at a time),
 * so a bursty consumer never waits on the source and the source never runs more than
 * `size` items ahead. Starts reading at the first `next()`.
 *
 * @example
 * ```ts
 * for await (const row of buffer(paginate(fetchPage, { limit: 1000 }), 2000)) await slowWrite(row);
 * ```
 */
export function buffer<T>(source: Source<T>, size: number, options?: StageOptions): Stage<T> {
  validateSource(source, 'source');
  validatePositiveInteger(size, 'size');
  return new BufferStage(source, size, stageOptions(options, 'buffer'));
}
