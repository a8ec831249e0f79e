import {
  MAX_ENTRIES,
  validateAbortSignal,
  validateDuration,
  validateFunction,
  validateInteger,
  validateOneOf,
  validatePositiveInteger,
} from '@leakproof/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('validatePositiveInteger', () => {
  it('returns integers from 1 to 2^24', () => {
    expect(validatePositiveInteger(1, 'max')).toBe(1);
    expect(validatePositiveInteger(MAX_ENTRIES, 'max')).toBe(MAX_ENTRIES);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_ENTRIES + 1])(
    'rejects %s with ERR_OUT_OF_RANGE naming the option and value',
    (value) => {
      const error = (() => {
        try {
          validatePositiveInteger(value, 'max');
        } catch (e) {
          return e as RangeError & { code: string };
        }
        throw new Error('accepted');
      })();
      expect(error).toBeInstanceOf(RangeError);
      expect(error.code).toBe('ERR_OUT_OF_RANGE');
      expect(error.message).toContain('`max`');
      expect(error.message).toContain(String(value));
    },
  );

  it.each(['1', null, undefined, {}, 1n])('rejects %s with ERR_INVALID_ARG_TYPE', (value) => {
    expect(() => validatePositiveInteger(value, 'max')).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('never accepts a value outside 1..2^24 or a non-integer (property)', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const ok = typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ENTRIES;
        let accepted: boolean;
        try {
          validatePositiveInteger(value, 'max');
          accepted = true;
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(ok);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double(), (value) => {
        const ok = Number.isInteger(value) && value >= 1 && value <= MAX_ENTRIES;
        expect(() => validatePositiveInteger(value, 'max')).toSatisfy((fn: () => void) => {
          try {
            fn();
            return ok;
          } catch {
            return !ok;
          }
        });
      }),
    );
  });
});

describe('validateInteger', () => {
  it('honours custom bounds inclusively', () => {
    expect(validateInteger(0, 'min', { min: 0, max: 10 })).toBe(0);
    expect(validateInteger(10, 'min', { min: 0, max: 10 })).toBe(10);
    expect(() => validateInteger(11, 'min', { min: 0, max: 10 })).toThrow(/from 0 to 10/);
  });
});

describe('validateDuration', () => {
  it('accepts finite non-negative milliseconds', () => {
    expect(validateDuration(0, 'ttl')).toBe(0);
    expect(validateDuration(1.5, 'ttl')).toBe(1.5);
  });

  it('rejects NaN, negatives, Infinity unless allowed, and timer overflow', () => {
    for (const v of [Number.NaN, -1, Number.POSITIVE_INFINITY, 2 ** 31]) {
      expect(() => validateDuration(v, 'ttl')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    }
    expect(validateDuration(Number.POSITIVE_INFINITY, 'ttl', { allowInfinity: true })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(() => validateDuration('5', 'ttl')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('never accepts what it should reject (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.anything()), (value) => {
        const ok = typeof value === 'number' && value >= 0 && value <= 2 ** 31 - 1;
        let accepted = true;
        try {
          validateDuration(value, 'ttl');
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(ok);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('other validators', () => {
  it('validateFunction', () => {
    const fn = () => 1;
    expect(validateFunction(fn, 'onEvict')).toBe(fn);
    expect(() => validateFunction('x', 'onEvict')).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('`onEvict`'),
      }),
    );
  });

  it('validateAbortSignal', () => {
    const { signal } = new AbortController();
    expect(validateAbortSignal(signal, 'signal')).toBe(signal);
    expect(() => validateAbortSignal({}, 'signal')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('validateOneOf', () => {
    expect(validateOneOf('fifo', 'order', ['fifo', 'lifo'] as const)).toBe('fifo');
    expect(() => validateOneOf('random', 'order', ['fifo', 'lifo'] as const)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining('`fifo`') }),
    );
  });
});
