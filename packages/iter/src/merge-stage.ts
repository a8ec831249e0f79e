import { invalidArgType } from '@leakproof/core';
import type { WorkContext } from './map-concurrent.js';
import { isSource, Reader, type Source } from './source.js';
import { BaseStage, type StageOptions } from './stage.js';
import { isPromiseLike, toPromise } from './util.js';

/** Turns an outer item into the inner source to read (merge: the item itself; flatMap: `fn(item)`). */
export type OpenInner<S, U> = (item: S, context: WorkContext) => Source<U> | PromiseLike<Source<U>>;

interface Inner<U> {
  readonly reader: Reader<U>;
}

interface Held<U> {
  readonly inner: Inner<U>;
  readonly value: U;
}

/**
 * Reads up to `concurrency` inner sources at once and yields their items as they arrive.
 * Each inner source has at most one read in flight or one item waiting for the consumer,
 * and is read again only once that item is taken, so the stage holds at most
 * `concurrency` items. With `concurrency: 1` it is an ordered concatenation.
 */
export class MergeStage<S, U> extends BaseStage<U> {
  readonly #outer: Reader<S>;
  readonly #openInner: OpenInner<S, U>;
  readonly #concurrency: number;
  readonly #what: string;
  #inners = new Set<Inner<U>>();
  #held: Held<U>[] = [];
  #outerReading = false;
  #outerDone = false;
  /** Inner sources being produced by an async `fn`. */
  #opening = 0;
  #index = 0;
  #filling = false;
  /** merge() over an array owns every source in it, read or not: the unread ones are closed too. */
  readonly #owned: readonly unknown[] | undefined;

  constructor(
    op: string,
    outer: Source<S>,
    openInner: OpenInner<S, U>,
    concurrency: number,
    what: string,
    options: StageOptions | undefined,
    owned?: readonly unknown[],
  ) {
    super(op, options, true);
    this.#owned = owned;
    this.#openInner = openInner;
    this.#concurrency = concurrency;
    this.#what = what;
    this.#outer = new Reader(outer);
  }

  protected override extraStats(): Record<string, number> {
    return { active: this.#inners.size + this.#opening, buffered: this.#held.length };
  }

  protected pump(): void {
    while (this.waiting > 0 && this.#held.length > 0 && this.isOpen) {
      const { inner, value } = this.#held.shift()!;
      this.deliver(value);
      this.#readInner(inner);
    }
    this.#fillOuter();
    this.#maybeComplete();
  }

  protected async release(): Promise<void> {
    const closing = [...this.#inners].map((inner) => inner.reader.close());
    closing.push(this.#outer.close());
    if (this.#owned !== undefined) {
      for (let i = this.#index; i < this.#owned.length; i++) {
        const unread = this.#owned[i];
        if (isSource(unread)) closing.push(new Reader(unread).close());
      }
    }
    this.#inners.clear();
    this.#held = [];
    const outcomes = await Promise.allSettled(closing);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  }

  #maybeComplete(): void {
    if (
      this.isOpen &&
      this.waiting > 0 &&
      this.#outerDone &&
      this.#inners.size === 0 &&
      this.#opening === 0 &&
      this.#held.length === 0
    ) {
      this.complete();
    }
  }

  #fillOuter(): void {
    if (this.#filling) return;
    this.#filling = true;
    try {
      const outer = this.#outer;
      while (
        this.isOpen &&
        !this.#outerReading &&
        !this.#outerDone &&
        this.#inners.size + this.#opening < this.#concurrency
      ) {
        if (!outer.sync) {
          this.#outerReading = true;
          outer.nextAsync().then(this.#onOuter, this.#onOuterError);
          return;
        }
        let result: IteratorResult<S>;
        try {
          result = outer.nextSync();
        } catch (error) {
          this.fail(error);
          return;
        }
        if (result.done === true) this.#outerDone = true;
        else this.#open(result.value);
      }
    } finally {
      this.#filling = false;
    }
  }

  #open(item: S): void {
    let source: Source<U> | PromiseLike<Source<U>>;
    try {
      source = this.#openInner(item, { signal: this.workSignal, index: this.#index++ });
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!isPromiseLike(source)) {
      this.#add(source);
      return;
    }
    this.#opening++;
    toPromise(source).then(
      (resolved) => {
        this.#opening--;
        if (this.isOpen) {
          this.#add(resolved);
          this.#fillOuter();
          this.#maybeComplete();
        } else if (isSource(resolved)) {
          // Opened after the stage closed: close it too, nothing is left running.
          new Reader(resolved).close().catch(() => {});
        }
      },
      (error: unknown) => {
        this.#opening--;
        if (this.isOpen) this.fail(error);
      },
    );
  }

  #add(source: Source<U>): void {
    if (!isSource(source)) {
      this.fail(invalidArgType(this.#what, 'an Iterable, AsyncIterable or Readable', source));
      return;
    }
    let reader: Reader<U>;
    try {
      reader = new Reader(source);
    } catch (error) {
      this.fail(error);
      return;
    }
    const inner: Inner<U> = { reader };
    this.#inners.add(inner);
    this.#readInner(inner);
  }

  #readInner(inner: Inner<U>): void {
    const reader = inner.reader;
    while (this.isOpen) {
      if (!reader.sync) {
        reader.nextAsync().then(
          (result) => this.#onInner(inner, result),
          (error: unknown) => {
            reader.finished = true;
            if (this.isOpen) this.fail(error);
          },
        );
        return;
      }
      let result: IteratorResult<U>;
      try {
        result = reader.nextSync();
      } catch (error) {
        this.fail(error);
        return;
      }
      if (result.done === true) {
        this.#innerDone(inner);
        return;
      }
      if (this.waiting > 0 && this.#held.length === 0) {
        this.deliver(result.value);
        continue;
      }
      this.#held.push({ inner, value: result.value });
      return;
    }
  }

  #onInner(inner: Inner<U>, result: IteratorResult<U>): void {
    if (result.done === true) inner.reader.finished = true;
    if (!this.isOpen) return;
    if (result.done === true) {
      this.#innerDone(inner);
      return;
    }
    if (this.waiting > 0 && this.#held.length === 0) {
      this.deliver(result.value);
      this.#readInner(inner);
    } else {
      this.#held.push({ inner, value: result.value });
    }
  }

  #innerDone(inner: Inner<U>): void {
    this.#inners.delete(inner);
    this.#fillOuter();
    this.#maybeComplete();
  }

  readonly #onOuter = (result: IteratorResult<S>): void => {
    this.#outerReading = false;
    if (result.done === true) this.#outer.finished = true;
    if (!this.isOpen) return;
    if (result.done === true) this.#outerDone = true;
    else this.#open(result.value);
    this.#fillOuter();
    this.#maybeComplete();
  };

  readonly #onOuterError = (error: unknown): void => {
    this.#outerReading = false;
    this.#outer.finished = true;
    if (this.isOpen) this.fail(error);
  };
}
