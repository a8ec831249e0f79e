import { catalogue, type ErrorSpec, isLeakproofError } from '@leakproof/core';
import { describe, expect, it } from 'vitest';

/**
 * Every public export of every package, fed bad input: each error it raises must come from the
 * catalogue, with the class the catalogue gives its code. Exports that accept any value by design
 * are listed with the reason.
 */
const ENTRY_POINTS = [
  '@leakproof/core',
  '@leakproof/cache',
  '@leakproof/events',
  '@leakproof/pool',
  '@leakproof/pool/generic-pool',
  '@leakproof/iter',
  '@leakproof/memwatch',
  '@leakproof/memwatch/prometheus',
  '@leakproof/memwatch/fleet',
  '@leakproof/redis',
] as const;

/** Exports that take any value (or none) by design, so bad input has nothing to be rejected for. */
const ACCEPTS_ANYTHING: Record<string, string> = {
  describeValue: 'describes any value',
  isLeakproofError: 'a type guard over any value',
  isSource: 'a type guard over any value',
  defineErrors: 'returns its argument: a typing aid',
  captureStack: 'takes an optional label of any kind',
  isStackCaptureEnabled: 'takes no argument',
  setStackCapture: 'coerces to a boolean, as an on/off switch',
  countPrimitives: 'an optional filter; unknown filters match nothing',
  listPrimitives: 'an optional filter; unknown filters match nothing',
  abortError: 'builds the error for a signal the caller already validated',
  raceAbort: 'settles like any value given, as Promise.resolve does',
  estimateSize: 'estimates the size of any value',
  defaultSizeOf: 'estimates the size of any value',
  getDefaultListenerLimit: 'takes no argument',
  gc: 'takes no argument: it forces a full collection',
  runFleetCli: 'a command line: bad arguments print the usage and resolve exit code 2',
  DisposableStack: 'the TC39 constructor takes no argument',
  AsyncDisposableStack: 'the TC39 constructor takes no argument',
  SuppressedError: 'an error class',
  // Node's own node:events functions, re-exported unchanged: their validation is Node's.
  getEventListeners: "node:events' own",
  getMaxListeners: "node:events' own",
  setMaxListeners: "node:events' own",
  listenerCount: "node:events' own",
  addAbortListener: "node:events' own",
  init: "node:events' own",
  usingDomains: "node:events' own",
};

/** Validators and error builders: their rule arguments come from code, not from users. */
const BUILDERS =
  /^(validate\w+|invalidArg\w+|outOfRange|createError|errorMessage|warnDeprecatedOption|emitLeakproofWarning)$/;

const isClass = (value: Function) => /^class\b/.test(Function.prototype.toString.call(value));

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    const result = call();
    if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as PromiseLike<unknown>).then === 'function'
    ) {
      await result;
    } else if (
      result !== null &&
      typeof result === 'object' &&
      typeof (result as AsyncIterator<unknown>).next === 'function' &&
      Symbol.asyncIterator in result
    ) {
      const iterator = result as unknown as AsyncIterator<unknown>;
      await iterator.next();
      await iterator.return?.();
    }
    return undefined;
  } catch (error) {
    return error ?? new Error('threw a nullish value');
  }
}

const NATIVE = { TypeError, RangeError, ReferenceError, Error } as const;

/** What is wrong with `error` as an answer to bad input, or undefined when it is right. */
function problemWith(error: unknown): string | undefined {
  if (error === undefined) return 'accepted it';
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return `threw without a code: ${String(error)}`;
  const spec = (catalogue as Record<string, ErrorSpec>)[code];
  if (spec === undefined) return `threw ${code}, which is not in the catalogue`;
  const Native = NATIVE[spec.kind as keyof typeof NATIVE];
  if (Native !== undefined && !(error instanceof Native)) return `threw ${code} not as a ${spec.kind}`;
  if (Native === undefined && !isLeakproofError(error, code)) return `threw ${code} not as a LeakproofError`;
  return undefined;
}

describe('bad input to every public export gets an error from the catalogue', () => {
  for (const entry of ENTRY_POINTS) {
    it(entry, async () => {
      const mod = (await import(entry)) as Record<string, unknown>;
      let checked = 0;
      const problems: string[] = [];
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== 'function' || name === 'default') continue;
        if (name in ACCEPTS_ANYTHING || BUILDERS.test(name) || /Error$/.test(name)) continue;
        if (name === 'EventEmitter' || name === 'EventEmitterAsyncResource') continue; // covered below
        for (const bad of [Symbol('bad'), { __bogus__: 1 }]) {
          const where = `${entry} ${name}(${typeof bad === 'symbol' ? 'Symbol()' : '{ __bogus__: 1 }'})`;
          const error = await outcome(() =>
            isClass(value) ? Reflect.construct(value, [bad]) : (value as (arg: unknown) => unknown)(bad),
          );
          const problem = problemWith(error);
          if (problem !== undefined) problems.push(`${where} ${problem}`);
          checked++;
        }
      }
      expect(problems).toEqual([]);
      expect(checked).toBeGreaterThan(0);
    });
  }
});
