import { AbortError, DisposedError, LeakproofError, TimeoutError } from '../errors.js';
import { cacheErrors } from './cache.js';
import { coreErrors } from './core.js';
import type { ErrorKind, ErrorSpec } from './define.js';
import { eventsErrors } from './events.js';
import { iterErrors } from './iter.js';
import { memwatchErrors } from './memwatch.js';
import { memwatchFleetErrors } from './memwatch-fleet.js';
import { poolErrors } from './pool.js';
import { redisErrors } from './redis.js';

export { defineErrors, type ErrorKind, type ErrorSpec } from './define.js';

/**
 * Every error code leakproof raises, with its class, summary and message builder: one table
 * for all packages (each package keeps its part in a file of its own beside this one).
 * Package READMEs' error tables are checked against it by tests.
 */
export const catalogue = {
  ...coreErrors,
  ...cacheErrors,
  ...eventsErrors,
  ...poolErrors,
  ...iterErrors,
  ...memwatchErrors,
  ...memwatchFleetErrors,
  ...redisErrors,
} as const;

/** Each package's part of {@link catalogue}, by package name. */
export const catalogueByPackage: Readonly<Record<string, Readonly<Record<string, ErrorSpec>>>> = {
  core: coreErrors,
  cache: cacheErrors,
  events: eventsErrors,
  pool: poolErrors,
  iter: iterErrors,
  // Shared codes that a package raises are listed in its part too (same entry as core's).
  memwatch: {
    ...memwatchErrors,
    ...memwatchFleetErrors,
    ERR_MISSING_PEER_DEPENDENCY: coreErrors.ERR_MISSING_PEER_DEPENDENCY,
  },
  redis: { ...redisErrors, ERR_MISSING_PEER_DEPENDENCY: coreErrors.ERR_MISSING_PEER_DEPENDENCY },
};

type Catalogue = typeof catalogue;

/** A code in the catalogue. */
export type ErrorCode = keyof Catalogue;

/** The parameters the message builder of `C` takes. */
export type ErrorParams<C extends ErrorCode> = Catalogue[C]['message'] extends (params: infer P) => string
  ? P
  : never;

interface KindToError {
  TypeError: TypeError;
  RangeError: RangeError;
  ReferenceError: ReferenceError;
  Error: Error;
  LeakproofError: LeakproofError;
  TimeoutError: TimeoutError;
  AbortError: AbortError;
  DisposedError: DisposedError;
}

/** The error `createError(C, …)` returns: the kind's class, with `code: C`. */
export type CatalogueError<C extends ErrorCode> = KindToError[Catalogue[C]['kind']] & { readonly code: C };

type ParamsArg<C extends ErrorCode> =
  unknown extends ErrorParams<C>
    ? [params?: undefined, options?: { cause?: unknown }]
    : [params: ErrorParams<C>, options?: { cause?: unknown }];

/** The message the catalogue builds for `code` from `params`. */
export function errorMessage<C extends ErrorCode>(code: C, ...[params]: ParamsArg<C>): string {
  const spec = specOf(code);
  return (spec.message as (p: unknown) => string)(params);
}

/**
 * Builds the error for `code` from the catalogue: the right class (Node's `TypeError` /
 * `RangeError` for argument errors, a `LeakproofError` subclass for runtime failures), the
 * catalogue's message, `code`, and `cause` when given. A `TimeoutError` takes `timeoutMs`
 * from `params`.
 *
 * @example
 * ```ts
 * throw createError('ERR_TIMEOUT', { what: 'create', timeoutMs: 500 }, { cause });
 * ```
 */
export function createError<C extends ErrorCode>(code: C, ...args: ParamsArg<C>): CatalogueError<C> {
  const [params, options] = args;
  const spec = specOf(code);
  const message = (spec.message as (p: unknown) => string)(params);
  const cause = options?.cause;
  const causeOption = cause === undefined ? undefined : { cause };
  return build(spec.kind, code, message, params, causeOption) as CatalogueError<C>;
}

function specOf(code: unknown): ErrorSpec {
  const spec =
    typeof code === 'string' && Object.hasOwn(catalogue, code)
      ? (catalogue as Record<string, ErrorSpec>)[code]
      : undefined;
  if (spec === undefined)
    throw createError('ERR_INVALID_ARG_VALUE', {
      name: 'code',
      rule: 'a code of the catalogue',
      actual: code,
    });
  return spec;
}

function build(
  kind: ErrorKind,
  code: string,
  message: string,
  params: unknown,
  options: { cause: unknown } | undefined,
): Error {
  switch (kind) {
    case 'LeakproofError':
      return new LeakproofError(code, message, options);
    case 'TimeoutError':
      return new TimeoutError(message, Number((params as { timeoutMs?: unknown }).timeoutMs), code, options);
    case 'AbortError':
      return new AbortError(message, options);
    case 'DisposedError': {
      const error = new DisposedError('', code, message);
      if (options !== undefined)
        Object.defineProperty(error, 'cause', { value: options.cause, configurable: true, writable: true });
      return error;
    }
    default: {
      const Native = { TypeError, RangeError, ReferenceError, Error }[kind];
      const error = new Native(message, options);
      Object.defineProperty(error, 'code', {
        value: code,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      return error;
    }
  }
}
