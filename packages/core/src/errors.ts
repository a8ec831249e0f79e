/**
 * The base class of every runtime failure leakproof raises. `code` is stable across
 * versions and is what callers should branch on; the message is for people.
 *
 * @example
 * ```ts
 * try { await pool.acquire(); }
 * catch (err) { if (err instanceof LeakproofError && err.code === 'ERR_POOL_TIMEOUT') retryLater(); }
 * ```
 */
export class LeakproofError extends Error {
  /** Stable, machine-readable error code such as `ERR_POOL_CLOSED`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** A primitive used after it was disposed or closed. Code: `ERR_DISPOSED` unless a subclass narrows it. */
export class DisposedError extends LeakproofError {
  constructor(what: string, code = 'ERR_DISPOSED') {
    super(code, `${what} has been disposed and cannot be used`);
  }
}

/** An operation that did not finish in time. Code given by the caller (`ERR_POOL_TIMEOUT`, `ERR_TIMEOUT`, ...). */
export class TimeoutError extends LeakproofError {
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, code = 'ERR_TIMEOUT', options?: { cause?: unknown }) {
    super(code, message, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The error a leakproof operation rejects with when the caller's signal aborts. It is an
 * `AbortError` (name and code match Node's own), and carries the signal's reason as `cause`.
 */
export class AbortError extends LeakproofError {
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super('ABORT_ERR', message, options);
    this.name = 'AbortError';
  }
}

/** True when `error` is a {@link LeakproofError}, optionally with the given `code`. */
export function isLeakproofError(error: unknown, code?: string): error is LeakproofError {
  return error instanceof LeakproofError && (code === undefined || error.code === code);
}
