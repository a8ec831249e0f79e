import { invalidArgType } from '@leakproof/core';

/** Anything the iter functions read from: an `Iterable` or an `AsyncIterable` (a Node `Readable` is one). */
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
