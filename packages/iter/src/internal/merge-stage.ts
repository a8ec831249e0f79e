import { invalidArgType } from '@leakproof/core';
import { isSource, type Source } from '../source.js';
import type { StageOptions, WorkContext } from '../stage.js';
import { BaseStage } from './base-stage.js';
import { closeSource, Reader } from './reader.js';
import { isPromiseLike, toPromise } from './util.js';

/** Turns an outer item into the inner source to read (merge: the item itself; flatMap: `fn(item)`). */
export type OpenInner<S, U> = (item: S, context: WorkContext) => Source<U> | PromiseLike<Source<U>>;

interface Inner<U> {
  reader: Reader<U>;
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
    this.#outer = new Reader(outer, this.#onOuter, this.#onReadError);
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
        if (isSource(unread)) closing.push(closeSource(unread));
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
        !outer.reading &&
        !this.#outerDone &&
        this.#inners.size + this.#opening < this.#concurrency
      ) {
        // undefined: an async read is under way, or the outer source failed (#onReadError ran).
        const result = outer.read();
        if (result === undefined) return;
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
          closeSource(resolved).catch(() => {});
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
    // The reader's answers find their inner source through the callback made for it, once.
    const inner = {} as Inner<U>;
    try {
      inner.reader = new Reader(source, (result) => this.#onInner(inner, result), this.#onReadError);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.#inners.add(inner);
    this.#readInner(inner);
  }

  #readInner(inner: Inner<U>): void {
    const reader = inner.reader;
    while (this.isOpen) {
      // undefined: an async read is under way, or the source failed (#onReadError ran).
      const result = reader.read();
      if (result === undefined) return;
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
    if (!this.isOpen) return;
    if (result.done === true) this.#outerDone = true;
    else this.#open(result.value);
    this.#fillOuter();
    this.#maybeComplete();
  };

  /** The outer source or an inner one failed. */
  readonly #onReadError = (error: unknown): void => {
    if (this.isOpen) this.fail(error);
  };
}
