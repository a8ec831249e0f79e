import { Reader, type Source } from './source.js';
import { BaseStage, type StageOptions } from './stage.js';
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
  #busy = false;

  constructor(op: string, source: Source<T>, step: Step<T, U>, options: StageOptions | undefined) {
    super(op, options, false);
    this.#step = step;
    this.#reader = new Reader(source);
  }

  protected override extraStats(): Record<string, number> {
    return { pulled: this.#reader.reads };
  }

  protected pump(): void {
    const reader = this.#reader;
    while (!this.#busy && this.waiting > 0 && this.isOpen) {
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
      this.#busy = true;
      toPromise(out).then(this.#onStep, this.#onStepError);
    } else if (out !== SKIP) {
      this.deliver(out as U);
    }
  }

  readonly #onRead = (result: IteratorResult<T>): void => {
    this.#busy = false;
    if (result.done === true) {
      this.#reader.finished = true;
      if (this.isOpen) this.complete();
      return;
    }
    if (!this.isOpen) return;
    this.#apply(result.value);
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    this.#busy = false;
    this.#reader.finished = true;
    if (this.isOpen) this.fail(error);
  };

  readonly #onStep = (out: U | typeof SKIP): void => {
    this.#busy = false;
    if (!this.isOpen) return;
    if (out !== SKIP) this.deliver(out as U);
    this.pump();
  };

  readonly #onStepError = (error: unknown): void => {
    this.#busy = false;
    if (this.isOpen) this.fail(error);
  };
}
