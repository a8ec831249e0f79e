import type { Source } from '../source.js';
import type { StageOptions } from '../stage.js';
import { BaseStage } from './base-stage.js';
import { Reader } from './reader.js';
import { isPromiseLike, toPromise } from './util.js';

/** Returned by a step to drop the item. */
export const SKIP: unique symbol = Symbol('skip');

/** One item in, at most one out, possibly asynchronously. */
export type Step<T, U> = (value: T, index: number) => U | typeof SKIP | PromiseLike<U | typeof SKIP>;

/**
 * The one-at-a-time stage behind `map`, `filter`, `tap`, `drop` and `from`: reads one
 * item only when a `next()` is waiting (no read-ahead), runs the step, delivers or skips.
 */
export class SequentialStage<T, U> extends BaseStage<U> {
  readonly #reader: Reader<T>;
  readonly #step: Step<T, U>;
  #index = 0;
  /** A step's promise is pending. */
  #stepping = false;

  constructor(op: string, source: Source<T>, step: Step<T, U>, options: StageOptions | undefined) {
    super(op, options, false);
    this.#step = step;
    this.#reader = new Reader(source, this.#onRead, this.#onReadError);
  }

  protected override extraStats(): Record<string, number> {
    return { pulled: this.#reader.reads };
  }

  protected pump(): void {
    const reader = this.#reader;
    while (!this.#stepping && !reader.reading && this.waiting > 0 && this.isOpen) {
      // undefined: an async read is under way, or the source failed (#onReadError ran).
      const result = reader.read();
      if (result === undefined) return;
      if (result.done === true) {
        this.complete();
        return;
      }
      this.#apply(result.value);
    }
  }

  protected release(): Promise<void> {
    return this.#reader.close();
  }

  #apply(value: T): void {
    let out: U | typeof SKIP | PromiseLike<U | typeof SKIP>;
    try {
      out = this.#step(value, this.#index++);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (isPromiseLike(out)) {
      this.#stepping = true;
      toPromise(out).then(this.#onStep, this.#onStepError);
    } else if (out !== SKIP) {
      this.deliver(out as U);
    }
  }

  readonly #onRead = (result: IteratorResult<T>): void => {
    if (!this.isOpen) return;
    if (result.done === true) {
      this.complete();
      return;
    }
    this.#apply(result.value);
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    if (this.isOpen) this.fail(error);
  };

  readonly #onStep = (out: U | typeof SKIP): void => {
    this.#stepping = false;
    if (!this.isOpen) return;
    if (out !== SKIP) this.deliver(out as U);
    this.pump();
  };

  readonly #onStepError = (error: unknown): void => {
    this.#stepping = false;
    if (this.isOpen) this.fail(error);
  };
}
