import {
  AbortError,
  catalogue,
  catalogueByPackage,
  createError,
  DisposableStack,
  DisposedError,
  isLeakproofError,
  LeakproofError,
  TimeoutError,
  validateOptions,
} from '@leakproof/core';
import { describe, expect, it } from 'vitest';

describe('the error catalogue', () => {
  it('gives every code a class, a summary and a message builder, and no code twice', () => {
    const seen = new Map<string, string>();
    const specs = new Map<string, unknown>();
    for (const [pkg, errors] of Object.entries(catalogueByPackage)) {
      for (const [code, spec] of Object.entries(errors)) {
        // A shared code may be listed by several packages, always as the one entry.
        if (specs.has(code))
          expect(specs.get(code), `${code} is defined in ${seen.get(code)} and ${pkg}`).toBe(spec);
        seen.set(code, pkg);
        specs.set(code, spec);
        expect(spec.summary.length).toBeGreaterThan(0);
        expect(typeof spec.message).toBe('function');
      }
    }
    expect([...seen.keys()].sort()).toEqual(Object.keys(catalogue).sort());
  });

  it('builds each kind as its class, with code and cause', () => {
    const cause = new Error('root');
    const type = createError('ERR_INVALID_ARG_TYPE', {
      name: 'options.max',
      expected: 'a number',
      actual: 'x',
    });
    expect(type).toBeInstanceOf(TypeError);
    expect(type.code).toBe('ERR_INVALID_ARG_TYPE');
    expect(type.message).toBe('Expected `options.max` to be a number, got `"x"` (string)');
    const timeout = createError('ERR_TIMEOUT', { what: 'create', timeoutMs: 25 }, { cause });
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect(timeout).toBeInstanceOf(LeakproofError);
    expect(timeout.timeoutMs).toBe(25);
    expect(timeout.cause).toBe(cause);
    expect(createError('ABORT_ERR', undefined, { cause })).toBeInstanceOf(AbortError);
    const disposed = createError('ERR_DISPOSED', { what: 'BoundedMap "m"' });
    expect(disposed).toBeInstanceOf(DisposedError);
    expect(disposed.message).toBe('BoundedMap "m" has been disposed and cannot be used');
    expect(isLeakproofError(disposed, 'ERR_DISPOSED')).toBe(true);
  });

  it("core's own DisposableStack errors come from the catalogue", () => {
    const stack = new DisposableStack();
    expect(() => stack.defer(5 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => stack.use({} as never)).toThrow(expect.objectContaining({ code: 'ERR_NOT_DISPOSABLE' }));
    stack.dispose();
    expect(() => stack.defer(() => {})).toThrow(ReferenceError);
    expect(() => stack.defer(() => {})).toThrow(expect.objectContaining({ code: 'ERR_STACK_DISPOSED' }));
  });
});

describe('validateOptions with known keys', () => {
  const known = ['max', 'maxBytes', 'sizeOf', 'onEvict', 'ttl'];

  it('accepts undefined and known keys', () => {
    expect(validateOptions(undefined, 'options', known)).toEqual({});
    expect(validateOptions({ max: 1, ttl: 5 }, 'options', known)).toEqual({ max: 1, ttl: 5 });
  });

  it('rejects an unknown key with ERR_INVALID_ARG_VALUE naming options.x and the owner', () => {
    const error = (() => {
      try {
        validateOptions({ max: 1, colour: 'red' }, 'options', known, { owner: 'BoundedMap' });
      } catch (e) {
        return e as TypeError & { code: string };
      }
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(error?.message).toContain('`options.colour`');
    expect(error?.message).toContain('of BoundedMap');
  });

  it("hints the leakproof name for lru-cache's, generic-pool's and node:events' names", () => {
    expect(() => validateOptions({ maxSize: 3 }, 'options', known)).toThrow('use `options.maxBytes`');
    expect(() => validateOptions({ dispose: () => {} }, 'options', known)).toThrow('use `options.onEvict`');
    expect(() => validateOptions({ ttlAutopurge: true }, 'options', known)).toThrow('not needed');
    expect(() => validateOptions({ acquireTimeoutMillis: 5 }, 'options', ['acquireTimeoutMs'])).toThrow(
      'use `options.acquireTimeoutMs`',
    );
    expect(() => validateOptions({ timeout: 5 }, 'options', ['signal', 'timeoutMs'])).toThrow(
      'use `options.timeoutMs`',
    );
  });

  it('suggests a close spelling, and an owner hint wins', () => {
    expect(() => validateOptions({ maxbytes: 3 }, 'options', known)).toThrow(
      'did you mean `options.maxBytes`?',
    );
    expect(() => validateOptions({ limit: 3 }, 'options', known, { hints: { limit: 'max' } })).toThrow(
      'use `options.max`',
    );
  });

  it('still rejects non-objects with ERR_INVALID_ARG_TYPE', () => {
    expect(() => validateOptions(null, 'options', known)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => validateOptions([1], 'options', known)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });
});

describe("the README's error table", () => {
  it("lists exactly core's codes, each with its class", async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]);
    const expected = Object.entries(catalogueByPackage.core!).map(([code, spec]) => [code, spec.kind]);
    expect(rows.sort()).toEqual(expected.sort());
  });
});
