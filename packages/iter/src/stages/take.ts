import { validateInteger } from '@leakproof/core';
import { BaseStage } from '../internal/base-stage.js';
import { stageOptions } from '../internal/options.js';
import { Reader } from '../internal/reader.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions } from '../stage.js';

class TakeStage<T> extends BaseStage<T> {
  readonly #reader: Reader<T>;
  readonly #count: number;
  #taken = 0;

  constructor(source: Source<T>, count: number, options: StageOptions | undefined) {
    super('take', options, false);
    this.#count = count;
    this.#reader = new Reader(source, this.#onRead, this.#onReadError);
  }

  protected override extraStats(): Record<string, number> {
    return { pulled: this.#reader.reads };
  }

  protected pump(): void {
    const reader = this.#reader;
    while (!reader.reading && this.waiting > 0 && this.isOpen) {
      if (this.#taken >= this.#count) {
        this.complete();
        return;
      }
      // undefined: an async read is under way, or the source failed (#onReadError ran).
      const result = reader.read();
      if (result === undefined) return;
      this.#accept(result);
    }
  }

  protected release(): Promise<void> {
    return this.#reader.close();
  }

  #accept(result: IteratorResult<T>): void {
    if (result.done === true) {
      this.complete();
      return;
    }
    this.#taken++;
    this.deliver(result.value);
    // Close the source as soon as the last wanted item is out, not on the next call.
    if (this.#taken >= this.#count) this.complete();
  }

  readonly #onRead = (result: IteratorResult<T>): void => {
    if (!this.isOpen) return;
    this.#accept(result);
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    if (this.isOpen) this.fail(error);
  };
}

/**
 * Yields the first `count` items, then closes the source at once (its `finally` runs
 * before the following `next()` settles). `take(source, 0)` reads nothing.
 *
 * @example
 * ```ts
 * const firstTen = await toArray(take(paginate(fetchPage, { limit: 100 }), 10), { max: 10 });
 * ```
 */
export function take<T>(source: Source<T>, count: number, options?: StageOptions): Stage<T> {
  validateSource(source, 'source');
  validateInteger(count, 'count');
  return new TakeStage(source, count, stageOptions(options, 'take'));
}
