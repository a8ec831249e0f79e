/**
 * Every leakproof error carries a brand under a `Symbol.for` key: the names of the leakproof
 * classes it is an instance of. `instanceof` and {@link isLeakproofError} read the brand, so they
 * answer the same for an error made by another copy of this package (the ESM and the CJS build
 * loaded together, or two versions in one tree), the way undici's errors do.
 */
const BRAND: unique symbol = Symbol.for('leakproof.error.classes') as never;

type Branded = { [BRAND]?: readonly string[] | undefined };

function brandOf(value: unknown): readonly string[] | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const brand = (value as Branded)[BRAND];
  return Array.isArray(brand) ? brand : undefined;
}

/** The names of the leakproof classes from `Ctor` up to (and including) `LeakproofError`. */
function classNames(Ctor: Function): string[] {
  const names: string[] = [];
  for (let c: Function | null = Ctor; c !== null && c !== Error && c !== Function.prototype; ) {
    names.push(c.name);
    if (c === LeakproofError) break;
    c = Object.getPrototypeOf(c) as Function | null;
  }
  return names;
}

/**
 * The base class of every runtime failure leakproof raises. `code` is stable across
 * versions and is what callers should branch on; the message is for people.
 *
 * @example
 * ```ts
 * try { await pool.acquire(); }
 * catch (err) { if (isLeakproofError(err, 'ERR_POOL_TIMEOUT')) retryLater(); }
 * ```
 */
export class LeakproofError extends Error {
  /** Stable, machine-readable error code such as `ERR_POOL_CLOSED`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: Object.freeze(classNames(new.target)) });
  }

  /** Answers by brand, so errors from another copy of the package are recognised too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    const brand = brandOf(value);
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`, a subclass included.
    if (brand !== undefined) return brand.includes(this.name);
    // biome-ignore lint/complexity/noThisInStatic: as above.
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** A primitive used after it was disposed or closed. Code: `ERR_DISPOSED` unless a subclass narrows it. */
export class DisposedError extends LeakproofError {
  constructor(what: string, code = 'ERR_DISPOSED', message = `${what} has been disposed and cannot be used`) {
    super(code, message);
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

/**
 * True when `error` is a {@link LeakproofError} (made by any copy of this package),
 * optionally with the given `code`.
 */
export function isLeakproofError(error: unknown, code?: string): error is LeakproofError {
  const brand = brandOf(error);
  if (brand === undefined || !brand.includes('LeakproofError')) return false;
  return code === undefined || (error as LeakproofError).code === code;
}
