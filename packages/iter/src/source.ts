import { Readable } from 'node:stream';
import { invalidArgType } from '@leakproof/core';

/** Anything the iter functions read from: an `Iterable`, an `AsyncIterable` or a Node `Readable`. */
export type Source<T> = Iterable<T> | AsyncIterable<T>;

/** The item type of a {@link Source}. */
export type ItemOf<S> = S extends AsyncIterable<infer T> ? T : S extends Iterable<infer T> ? T : never;

/** Whether `value` can be read as a {@link Source}. */
export function isSource(value: unknown): value is Source<unknown> {
  if (value === null || value === undefined) return false;
  const v = value as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown };
  return typeof v[Symbol.asyncIterator] === 'function' || typeof v[Symbol.iterator] === 'function';
}

/** Throws `ERR_INVALID_ARG_TYPE` unless `value` is a {@link Source}. */
export function validateSource(value: unknown, name: string): void {
  if (!isSource(value)) throw invalidArgType(name, 'an Iterable, AsyncIterable or Readable', value);
}

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

/**
 * One open source: the iterator, whether it is synchronous, and whether it is finished
 * (returned done, threw, or was closed). `close()` calls the iterator's `return()` once
 * and waits for it, so the source's `finally` has run when it settles. A `Readable` is
 * destroyed first: its iterator is an async generator that would otherwise keep a
 * pending read (and so the `return()`) waiting until the next chunk arrives.
 */
export class Reader<T> {
  readonly sync: boolean;
  /** True once the source returned done, threw, or was closed: it is never touched again. */
  finished = false;
  /** `next()` calls made on the source. */
  reads = 0;
  readonly #iterator: Iterator<T> | AsyncIterator<T>;
  readonly #stream: Readable | undefined;

  constructor(source: Source<T>) {
    const asyncFactory = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    if (typeof asyncFactory === 'function') {
      this.sync = false;
      this.#iterator = asyncFactory.call(source);
    } else {
      this.sync = true;
      this.#iterator = (source as Iterable<T>)[Symbol.iterator]();
    }
    this.#stream = isReadable(source) ? source : undefined;
  }

  /** The synchronous source's next result. Only when `sync`. Throws what the source throws. */
  nextSync(): IteratorResult<T> {
    this.reads++;
    try {
      const result = (this.#iterator as Iterator<T>).next();
      if (result.done === true) this.finished = true;
      return result;
    } catch (error) {
      this.finished = true;
      throw error;
    }
  }

  /**
   * The asynchronous source's next result. Only when not `sync`. The caller marks
   * `finished` when the result is done or the promise rejects (one promise per item,
   * no wrapper).
   */
  nextAsync(): Promise<IteratorResult<T>> {
    this.reads++;
    try {
      const result = (this.#iterator as AsyncIterator<T>).next();
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Closes the source unless it is finished; settles once its `return()` has. Idempotent. */
  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.#stream !== undefined && !this.#stream.destroyed) this.#stream.destroy();
    const iterator = this.#iterator as { return?: () => unknown };
    if (typeof iterator.return === 'function') await iterator.return();
  }
}
