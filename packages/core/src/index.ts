export {
  type CatalogueError,
  catalogue,
  catalogueByPackage,
  createError,
  defineErrors,
  type ErrorCode,
  type ErrorKind,
  type ErrorParams,
  type ErrorSpec,
  errorMessage,
} from './catalogue/index.js';
export { describeValue } from './describe.js';
export { channelName, diagnosticsChannel, publish } from './diagnostics.js';
export { AsyncDisposableStack, DisposableStack, SuppressedError } from './disposable-stack.js';
export { AbortError, DisposedError, isLeakproofError, LeakproofError, TimeoutError } from './errors.js';
export {
  countPrimitives,
  listPrimitives,
  type PrimitiveInfo,
  type PrimitiveStats,
  type RegisterOptions,
  type Registration,
  registerPrimitive,
} from './registry.js';
export { captureStack, isStackCaptureEnabled, setStackCapture } from './stacks.js';
export { abortError, onAbort, raceAbort, sleep, unrefInterval, unrefTimeout } from './timers.js';
export {
  type ArgumentError,
  type DurationOptions,
  type IntegerBounds,
  invalidArgType,
  invalidArgValue,
  type KnownOptions,
  MAX_ENTRIES,
  MAX_TIMER_MS,
  outOfRange,
  validateAbortSignal,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateInteger,
  validateNumber,
  validateObject,
  validateOneOf,
  validateOptions,
  validatePositiveInteger,
  validateString,
} from './validate.js';
export { emitLeakproofWarning, warnDeprecatedOption } from './warnings.js';
