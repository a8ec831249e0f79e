/**
 * The shape of the error catalogue: one entry per code, with the class the error is built
 * from, a one-line summary for README tables, and the message builder.
 */
export type ErrorKind =
  | 'TypeError'
  | 'RangeError'
  | 'ReferenceError'
  | 'Error'
  | 'LeakproofError'
  | 'TimeoutError'
  | 'AbortError'
  | 'DisposedError';

/** One catalogue entry. `message` receives the parameters given to `createError`. */
export interface ErrorSpec {
  readonly kind: ErrorKind;
  /** One line: when this error is raised. README error tables are checked against it. */
  readonly summary: string;
  // `never` accepts a builder with any parameter type.
  readonly message: (params: never) => string;
}

/** Declares a package's part of the catalogue; keeps each entry's literal types. */
export function defineErrors<const T extends Record<string, ErrorSpec>>(errors: T): T {
  return errors;
}
