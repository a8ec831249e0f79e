import { Readable } from 'node:stream';
import type { Source } from '../source.js';
import { invalidReturnValue } from './errors.js';

/** Where a read's answer goes when it is not returned at once. */
export type OnResult<T> = (result: IteratorResult<T>) => void;
/** Where a source's failure goes: it threw, rejected, or answered something that is not an iterator result. */
export type OnError = (error: unknown) => void;

function isReadable(value: unknown): value is Readable {
  if (value instanceof Readable) return true;
  const v = value as { read?: unknown; destroy?: unknown; pipe?: unknown; on?: unknown };
  return (
    typeof v.read === 'function' &&
    typeof v.destroy === 'function' &&
    typeof v.pipe === 'function' &&
    typeof v.on === 'function'
  );
}

/** `for await` and `for...of` reject a `next()` that gives something other than an object. */
function isResult(value: unknown): value is IteratorResult<unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function notAResult(value: unknown): TypeError {
  return invalidReturnValue('source.next()', 'an iterator result object', value);
}

const noop = (): void => {};

/**
 * One open source, read one item at a time: the single place where a stage asks a source
 * for its next item. {@link read} answers at once for a synchronous source and through the
 * callbacks given at construction for an asynchronous one, so a stage writes its "take the
 * item" step once. The reader alone knows whether the source is {@link finished} (returned
 * done, failed, or was closed); a finished source is never read or closed again.
 *
 * A `next()` that gives something other than an object fails the source with a `TypeError`
 * (`ERR_INVALID_RETURN_VALUE`), as `for await` and `for...of` do; like them, the reader
 * then treats the iterator as broken and does not call its `return()`.
 *
 * `close()` calls the iterator's `return()` once and waits for it, so the source's
 * `finally` has run when it settles. A `Readable` is destroyed first: its iterator is an
 * async generator that would otherwise keep a pending read (and so the `return()`) waiting
 * until the next chunk arrives. An answer that arrives after `close()` is dropped.
 */
export class Reader<T> {
  /** True for an `Iterable` (answers from {@link read}), false for an `AsyncIterable` (answers through the callbacks). */
  readonly sync: boolean;
  readonly #iterator: Iterator<T> | AsyncIterator<T>;
  readonly #stream: Readable | undefined;
  readonly #onResult: OnResult<T>;
  readonly #onError: OnError;
  #finished = false;
  #closed = false;
  #reading = false;
  // A TypeScript-private property rather than a #field: incremented on every item, and a
  // #field increment measured slower on chunk's synchronous path (benchmarks/iter/stages.mjs).
  private count = 0;

  /**
   * Opens `source` (calls its `[Symbol.asyncIterator]()` or `[Symbol.iterator]()`; throws
   * what that throws). `onResult` and `onError` receive the answers of asynchronous reads,
   * and `onError` a synchronous source's failure too.
   */
  constructor(source: Source<T>, onResult: OnResult<T>, onError: OnError) {
    const asyncFactory = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    if (typeof asyncFactory === 'function') {
      this.sync = false;
      this.#iterator = asyncFactory.call(source);
    } else {
      this.sync = true;
      this.#iterator = (source as Iterable<T>)[Symbol.iterator]();
    }
    this.#stream = isReadable(source) ? source : undefined;
    this.#onResult = onResult;
    this.#onError = onError;
  }

  /** True once the source returned done, failed, or was closed: it is never touched again. */
  get finished(): boolean {
    return this.#finished;
  }

  /** True while an asynchronous read is pending. */
  get reading(): boolean {
    return this.#reading;
  }

  /** `next()` calls made on the source. */
  get reads(): number {
    return this.count;
  }

  /**
   * Asks the source for its next result. A synchronous source's result is returned; when
   * it fails, `onError` has been called (synchronously) and `undefined` is returned. For an
   * asynchronous source the read is started and `undefined` returned; its answer goes to
   * `onResult` or `onError`, never before this call has returned. Call it only when the
   * reader is neither {@link reading} nor {@link finished}.
   */
  read(): IteratorResult<T> | undefined {
    this.count++;
    if (!this.sync) {
      // The asynchronous path is its own method, so this one stays small enough to inline
      // into a stage's synchronous read loop.
      this.#readAsync();
      return undefined;
    }
    let result: IteratorResult<T>;
    try {
      result = (this.#iterator as Iterator<T>).next();
    } catch (error) {
      return this.#brokenSync(error);
    }
    if (!isResult(result)) return this.#brokenSync(notAResult(result));
    if (result.done === true) this.#finished = true;
    return result;
  }

  #brokenSync(error: unknown): undefined {
    this.#finished = true;
    this.#onError(error);
    return undefined;
  }

  #readAsync(): void {
    this.#reading = true;
    let pending: Promise<IteratorResult<T>>;
    try {
      const answer = (this.#iterator as AsyncIterator<T>).next();
      pending = answer instanceof Promise ? answer : Promise.resolve(answer);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(this.#answered, this.#failed);
  }

  /** Closes the source unless it is finished; settles once its `return()` has. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#finished) return;
    this.#finished = true;
    if (this.#stream !== undefined && !this.#stream.destroyed) this.#stream.destroy();
    const iterator = this.#iterator as { return?: (() => unknown) | undefined };
    if (typeof iterator.return === 'function') await iterator.return();
  }

  readonly #answered = (result: IteratorResult<T>): void => {
    this.#reading = false;
    if (this.#closed) return;
    if (!isResult(result)) {
      this.#finished = true;
      this.#onError(notAResult(result));
      return;
    }
    if (result.done === true) this.#finished = true;
    try {
      this.#onResult(result);
    } catch (error) {
      // A stage's step never throws by design; if one did, it fails the stage, never goes unhandled.
      this.#onError(error);
    }
  };

  readonly #failed = (error: unknown): void => {
    this.#reading = false;
    if (this.#closed) return;
    this.#finished = true;
    this.#onError(error);
  };
}

/** Closes a source nobody has read (or reads any more): opens it and calls its `return()`. */
export function closeSource(source: Source<unknown>): Promise<void> {
  try {
    return new Reader(source, noop, noop).close();
  } catch (error) {
    return Promise.reject(error);
  }
}
