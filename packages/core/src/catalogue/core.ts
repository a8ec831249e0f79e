import { describeValue } from '../describe.js';
import { defineErrors } from './define.js';

/** Codes shared by every package: Node's argument codes and the generic runtime failures. */
export const coreErrors = defineErrors({
  ERR_INVALID_ARG_TYPE: {
    kind: 'TypeError',
    summary: 'an argument or option has the wrong type',
    message: (p: { name: string; expected: string; actual: unknown }) =>
      `Expected \`${p.name}\` to be ${p.expected}, got ${describeValue(p.actual)}`,
  },
  ERR_OUT_OF_RANGE: {
    kind: 'RangeError',
    summary: 'a number is outside the accepted range',
    message: (p: { name: string; range: string; actual: unknown }) =>
      `Expected \`${p.name}\` to be ${p.range}, got ${describeValue(p.actual)}`,
  },
  ERR_INVALID_ARG_VALUE: {
    kind: 'TypeError',
    summary: 'an argument or option has an unusable value, or an options object has an unknown key',
    message: (p: { name: string; rule: string; actual: unknown }) =>
      `Expected \`${p.name}\` to be ${p.rule}, got ${describeValue(p.actual)}`,
  },
  ERR_INVALID_RETURN_VALUE: {
    kind: 'TypeError',
    summary: 'a callback returned something that cannot be used',
    message: (p: { name: string; expected: string; actual: unknown }) =>
      `Expected \`${p.name}\` to return ${p.expected}, got ${describeValue(p.actual)}`,
  },
  ERR_MISSING_PEER_DEPENDENCY: {
    kind: 'LeakproofError',
    summary: 'an optional peer dependency (ioredis, prom-client) is needed and cannot be loaded',
    message: (p: { pkg: string; peer: string; detail?: string | undefined }) =>
      `${p.pkg} needs ${p.peer}, an optional peer dependency: ${p.detail ?? `install it with \`npm install ${p.peer}\``}`,
  },
  ERR_DISPOSED: {
    kind: 'DisposedError',
    summary: 'the primitive was used after it was disposed or closed',
    message: (p: { what: string }) => `${p.what} has been disposed and cannot be used`,
  },
  ERR_TIMEOUT: {
    kind: 'TimeoutError',
    summary: 'an operation did not finish within its time limit',
    message: (p: { what: string; timeoutMs: number }) => `${p.what} did not finish within ${p.timeoutMs} ms`,
  },
  ABORT_ERR: {
    kind: 'AbortError',
    summary: "the caller's AbortSignal aborted; `cause` is the signal's reason",
    message: () => 'The operation was aborted',
  },
  ERR_STACK_DISPOSED: {
    kind: 'ReferenceError',
    summary: 'a DisposableStack or AsyncDisposableStack was used after it was disposed',
    message: (p: { what: string }) => `${p.what} already disposed`,
  },
  ERR_NOT_DISPOSABLE: {
    kind: 'TypeError',
    summary: 'a value given to DisposableStack.use has no dispose method',
    message: (p: { what: string; method: string }) => `${p.what} has no [${p.method}]() method`,
  },
});
