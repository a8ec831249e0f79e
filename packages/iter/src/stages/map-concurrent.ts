import { validateBoolean, validateFunction, validatePositiveInteger } from '@leakproof/core';
import { BaseStage } from '../internal/base-stage.js';
import { stageOptions } from '../internal/options.js';
import { OrderedSlots } from '../internal/ordered-slots.js';
import { Reader } from '../internal/reader.js';
import { isPromiseLike, toPromise } from '../internal/util.js';
import { type Source, validateSource } from '../source.js';
import type { Stage, StageOptions, WorkContext } from '../stage.js';

/** Options for {@link mapConcurrent}. */
export interface MapConcurrentOptions extends StageOptions {
  /** Most `fn` calls in flight, and most items read ahead of the consumer. Integer 1..2^24. */
  readonly concurrency: number;
  /**
   * Yield results in source order (a slow item holds back the ones after it, but never
   * more than `concurrency` in all). `false` yields each result as soon as it is ready.
   * @default true
   */
  readonly ordered?: boolean | undefined;
}

class MapConcurrentStage<T, U> extends BaseStage<U> {
  readonly #reader: Reader<T>;
  readonly #fn: (item: T, context: WorkContext) => U | PromiseLike<U>;
  readonly #concurrency: number;
  readonly #ordered: boolean;
  /** Ordered: results by source position; unordered: a FIFO of ready results. */
  readonly #slots = new OrderedSlots<U>();
  #queue: U[] = [];
  #queueHead = 0;
  #started = 0;
  #yielded = 0;
  #inFlight = 0;
  #sourceDone = false;

  constructor(
    source: Source<T>,
    fn: (item: T, context: WorkContext) => U | PromiseLike<U>,
    o: MapConcurrentOptions,
  ) {
    super('mapConcurrent', o, true);
    this.#fn = fn;
    this.#concurrency = o.concurrency;
    this.#ordered = o.ordered ?? true;
    this.#reader = new Reader(source, this.#onRead, this.#onReadError);
  }

  protected override extraStats(): Record<string, number> {
    return {
      pulled: this.#started,
      inFlight: this.#inFlight,
      buffered: this.#started - this.#yielded - this.#inFlight,
    };
  }

  protected pump(): void {
    // Hand out what is ready.
    while (this.waiting > 0) {
      if (this.#ordered) {
        if (!this.#slots.ready) break;
        this.#yielded++;
        this.deliver(this.#slots.shift());
      } else {
        if (this.#queueHead === this.#queue.length) break;
        const value = this.#queue[this.#queueHead]!;
        this.#queue[this.#queueHead++] = undefined as U;
        if (this.#queueHead === this.#queue.length) {
          this.#queue.length = 0;
          this.#queueHead = 0;
        }
        this.#yielded++;
        this.deliver(value);
      }
    }
    if (this.#sourceDone) {
      if (this.#inFlight === 0 && this.#started === this.#yielded && this.waiting > 0) this.complete();
      return;
    }
    // Start work while fewer than `concurrency` items are between the source and the consumer.
    const reader = this.#reader;
    while (!reader.reading && this.isOpen && this.#started - this.#yielded < this.#concurrency) {
      // undefined: an async read is under way, or the source failed (#onReadError ran).
      const result = reader.read();
      if (result === undefined) return;
      if (result.done === true) {
        this.#sourceDone = true;
        this.pump();
        return;
      }
      if (!this.#run(result.value)) return;
      // A synchronous fn filled a slot: hand it out before reading further.
      if (this.waiting > 0 && this.#hasReady()) {
        this.pump();
        return;
      }
    }
  }

  protected release(): Promise<void> {
    this.#slots.clear();
    this.#queue = [];
    return this.#reader.close();
  }

  #hasReady(): boolean {
    return this.#ordered ? this.#slots.ready : this.#queueHead < this.#queue.length;
  }

  /** Starts `fn` on one item; false when that failed the stage. */
  #run(item: T): boolean {
    const index = this.#started++;
    let out: U | PromiseLike<U>;
    try {
      out = this.#fn(item, { signal: this.workSignal, index });
    } catch (error) {
      this.fail(error);
      return false;
    }
    if (isPromiseLike(out)) {
      this.#inFlight++;
      toPromise(out).then(
        (value) => this.#settled(index, value),
        (error: unknown) => this.#failed(error),
      );
    } else {
      this.#store(index, out);
    }
    return true;
  }

  #store(index: number, value: U): void {
    if (this.#ordered) {
      this.#slots.set(index, value);
    } else {
      this.#queue.push(value);
    }
  }

  #settled(index: number, value: U): void {
    this.#inFlight--;
    if (!this.isOpen) return;
    this.#store(index, value);
    this.pump();
  }

  #failed(error: unknown): void {
    this.#inFlight--;
    // Only the first failure surfaces; later ones (and work still in flight) are absorbed.
    if (this.isOpen) this.fail(error);
  }

  readonly #onRead = (result: IteratorResult<T>): void => {
    if (!this.isOpen) return;
    if (result.done === true) this.#sourceDone = true;
    else if (!this.#run(result.value)) return;
    this.pump();
  };

  readonly #onReadError = (error: unknown): void => {
    if (this.isOpen) this.fail(error);
  };
}

/**
 * Runs `fn(item, { signal, index })` on up to `concurrency` items at once and yields the
 * results, in source order unless `ordered: false`. At most `concurrency` items are ever
 * between the source and the consumer (running or finished but not yet taken), however
 * slow the consumer. The first failure of `fn` or the source aborts the rest (their
 * `signal` aborts), closes the source and surfaces once, even when earlier results are
 * ready (fail fast).
 *
 * @example
 * ```ts
 * const priced = mapConcurrent(chunk(rows, 500), (batch, { signal }) => priceBatch(batch, signal), {
 *   concurrency: 4,
 * });
 * ```
 */
export function mapConcurrent<T, U>(
  source: Source<T>,
  fn: (item: T, context: WorkContext) => U | PromiseLike<U>,
  options: MapConcurrentOptions,
): Stage<U> {
  validateSource(source, 'source');
  validateFunction(fn, 'fn');
  const o = stageOptions<MapConcurrentOptions>(options, 'mapConcurrent', ['concurrency', 'ordered']);
  validatePositiveInteger(o.concurrency, 'options.concurrency');
  if (o.ordered !== undefined) validateBoolean(o.ordered, 'options.ordered');
  return new MapConcurrentStage(source, fn, o as MapConcurrentOptions);
}
