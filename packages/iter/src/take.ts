import { validateInteger } from '@leakproof/core';
import { stageOptions } from './options.js';
import { Reader, type Source, validateSource } from './source.js';
import { BaseStage, type Stage, type StageOptions } from './stage.js';

class TakeStage<T> extends BaseStage<T> {
  readonly #reader: Reader<T>;
  readonly #count: number;
  #taken = 0;
  #busy = false;

  constructor(source: Source<T>, count: number, options: StageOptions | undefined) {
    super('take', options, false);
    this.#count = count;
    this.#reader = new Reader(source);
  }

  protected override extraStats(): Record<string, number> {
    return { pulled: this.#reader.reads };
  }

  protected pump(): void {
    const reader = this.#reader;
    while (!this.#busy && this.waiting > 0 && this.isOpen) {
      if (this.#taken >= this.#count) {
        this.complete();
        return;
      }
      if (!reader.sync) {
        this.#busy = true;
        reader.nextAsync().then(this.#onRead, this.#onReadError);
        return;
      }
      let result: IteratorResult<T>;
      try {
        result = reader.nextSync();
      } catch (error) {
        this.fail(error);
        return;
      }
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
    this.#busy = false;
    if (result.done === true) this.#reader.finished = true;
    if (!this.isOpen) return;
    this.#accept(result);
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    this.#busy = false;
    this.#reader.finished = true;
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
  return new TakeStage(source, count, stageOptions(options));
}
