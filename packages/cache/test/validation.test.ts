import { BoundedMap } from '@leakproof/cache';
import { describe, expect, it } from 'vitest';

const code = (c: string) => expect.objectContaining({ code: c });

describe('bad input gets a clear error at the call', () => {
  it('requires a bound', () => {
    expect(() => new BoundedMap({})).toThrow(code('ERR_INVALID_ARG_VALUE'));
    expect(() => new BoundedMap({ ttl: 1000 })).toThrow(/`max` or `maxBytes`/);
    // @ts-expect-error: no options at all: no default bound, the same error as a bound-less options object
    expect(() => new BoundedMap()).toThrow(code('ERR_INVALID_ARG_VALUE'));
    // @ts-expect-error: entries without options
    expect(() => new BoundedMap([['a', 1]])).toThrow(code('ERR_INVALID_ARG_VALUE'));
    // @ts-expect-error: not an object
    expect(() => new BoundedMap(10)).toThrow(code('ERR_INVALID_ARG_TYPE'));
  });

  it.each([
    [0, 'ERR_OUT_OF_RANGE'],
    [-1, 'ERR_OUT_OF_RANGE'],
    [1.5, 'ERR_OUT_OF_RANGE'],
    [Number.NaN, 'ERR_OUT_OF_RANGE'],
    [Number.POSITIVE_INFINITY, 'ERR_OUT_OF_RANGE'],
    [2 ** 24 + 1, 'ERR_OUT_OF_RANGE'],
    ['10', 'ERR_INVALID_ARG_TYPE'],
    [null, 'ERR_INVALID_ARG_TYPE'],
  ])('max = %s', (max, expected) => {
    expect(() => new BoundedMap({ max: max as number })).toThrow(code(expected));
  });

  it('names the option and the value in the message', () => {
    expect(() => new BoundedMap({ max: 0 })).toThrow(
      'Expected `options.max` to be an integer from 1 to 16777216, got `0` (number)',
    );
  });

  it.each([0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1'])('maxBytes = %s', (maxBytes) => {
    expect(() => new BoundedMap({ maxBytes: maxBytes as number })).toThrow(
      code(typeof maxBytes === 'string' ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE'),
    );
  });

  it.each([0, -1, Number.NaN, 2 ** 31, '5'])('ttl = %s', (ttl) => {
    expect(() => new BoundedMap({ max: 1, ttl: ttl as number })).toThrow(
      code(typeof ttl === 'string' ? 'ERR_INVALID_ARG_TYPE' : 'ERR_OUT_OF_RANGE'),
    );
  });

  it('rejects non-function sizeOf and onEvict, bad sweepIntervalMs, name and clock', () => {
    expect(() => new BoundedMap({ max: 1, sizeOf: 5 as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => new BoundedMap({ max: 1, onEvict: 'x' as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => new BoundedMap({ max: 1, sweepIntervalMs: 0 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => new BoundedMap({ max: 1, sweepIntervalMs: true as never })).toThrow(
      code('ERR_INVALID_ARG_TYPE'),
    );
    expect(() => new BoundedMap({ max: 1, name: 3 as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => new BoundedMap({ max: 1, clock: {} as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
  });

  it('validates per-call options and arguments, changing nothing', () => {
    const map = new BoundedMap<string, number>({ max: 2 });
    expect(() => map.set('a', 1, { ttl: -1 })).toThrow(code('ERR_OUT_OF_RANGE'));
    map.set('a', 1, 'x' as never); // not a plain object: ignored, as a Map ignores extra arguments
    map.delete('a');
    expect(() => map.set('a', 1, { size: 0 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(map.size).toBe(0);
    expect(() => map.compact(2)).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => map.compact(Number.NaN)).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => map.compact('1' as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => map.getOrLoad('a', 5 as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => map.getOrLoad('a', () => 1, { signal: {} as never })).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(() => map.getOrLoad('a', () => 1, { ttl: 0 })).toThrow(code('ERR_OUT_OF_RANGE'));
    expect(() => map.forEach(null as never)).toThrow(code('ERR_INVALID_ARG_TYPE'));
    expect(map.stats().inflight).toBe(0);
  });
});

describe('renamed options', () => {
  it('sweepInterval still works for one minor version, with one deprecation warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const a = new BoundedMap<string, number>({ max: 1, ttl: 1000, sweepInterval: false });
      const b = new BoundedMap<string, number>({ max: 1, sweepInterval: 0 as never, sweepIntervalMs: 5000 });
      expect(() => new BoundedMap({ max: 1, sweepInterval: 0 })).toThrow(code('ERR_OUT_OF_RANGE'));
      await new Promise((resolve) => setImmediate(resolve));
      const mine = warnings.filter((w) => /sweepInterval/.test(w.message));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ name: 'DeprecationWarning', code: 'LEAKPROOF_DEP_OPTION' });
      a.dispose();
      b.dispose();
    } finally {
      process.off('warning', onWarning);
    }
  });
});
