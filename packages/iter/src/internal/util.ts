/** True for native promises and thenables; the cheap `instanceof` check comes first. */
export function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  if (value instanceof Promise) return true;
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** `PromiseLike` to a native promise without an extra hop for native ones. */
export function toPromise<T>(value: PromiseLike<T>): Promise<T> {
  return value instanceof Promise ? value : Promise.resolve(value);
}
