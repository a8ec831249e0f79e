import { createPool, type PoolFactory } from '@leakproof/pool';
import { describe, expect, it } from 'vitest';
import { controlledFactory } from './helpers.js';

const factory: PoolFactory<object> = { create: () => ({}), destroy: () => {} };

describe('createPool() rejects bad options with a clear error', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['no options', undefined, 'ERR_INVALID_ARG_TYPE', /Expected `options` to be an object, got `undefined`/],
    ['options not an object', 10, 'ERR_INVALID_ARG_TYPE', /`options`/],
    ['no max', {}, 'ERR_INVALID_ARG_VALUE', /Expected `options.max` to be set/],
    [
      'max 0',
      { max: 0 },
      'ERR_OUT_OF_RANGE',
      /Expected `options.max` to be an integer from 1 to 16777216, got `0` \(number\)/,
    ],
    ['max fractional', { max: 1.5 }, 'ERR_OUT_OF_RANGE', /options.max/],
    ['max too big', { max: 2 ** 24 + 1 }, 'ERR_OUT_OF_RANGE', /options.max/],
    [
      'max a string',
      { max: '10' },
      'ERR_INVALID_ARG_TYPE',
      /Expected `options.max` to be a number, got `"10"` \(string\)/,
    ],
    [
      'min above max',
      { max: 2, min: 3 },
      'ERR_OUT_OF_RANGE',
      /Expected `options.min` to be an integer from 0 to 2/,
    ],
    ['min negative', { max: 2, min: -1 }, 'ERR_OUT_OF_RANGE', /options.min/],
    ['maxWaiting negative', { max: 1, maxWaiting: -1 }, 'ERR_OUT_OF_RANGE', /options.maxWaiting/],
    [
      'acquireTimeoutMs NaN',
      { max: 1, acquireTimeoutMs: Number.NaN },
      'ERR_OUT_OF_RANGE',
      /options.acquireTimeoutMs/,
    ],
    [
      'createTimeoutMs negative',
      { max: 1, createTimeoutMs: -5 },
      'ERR_OUT_OF_RANGE',
      /options.createTimeoutMs/,
    ],
    [
      'destroyTimeoutMs a string',
      { max: 1, destroyTimeoutMs: '5s' },
      'ERR_INVALID_ARG_TYPE',
      /options.destroyTimeoutMs/,
    ],
    [
      'validateTimeoutMs too big',
      { max: 1, validateTimeoutMs: 2 ** 31 },
      'ERR_OUT_OF_RANGE',
      /options.validateTimeoutMs/,
    ],
    ['idleTimeoutMs negative', { max: 1, idleTimeoutMs: -1 }, 'ERR_OUT_OF_RANGE', /options.idleTimeoutMs/],
    ['maxLifetimeMs null', { max: 1, maxLifetimeMs: null }, 'ERR_INVALID_ARG_TYPE', /options.maxLifetimeMs/],
    ['maxUses 0', { max: 1, maxUses: 0 }, 'ERR_OUT_OF_RANGE', /options.maxUses/],
    [
      'validateOnBorrow a string',
      { max: 1, validateOnBorrow: 'yes' },
      'ERR_INVALID_ARG_TYPE',
      /options.validateOnBorrow/,
    ],
    [
      'validateOnBorrow without validate',
      { max: 1, validateOnBorrow: true },
      'ERR_INVALID_ARG_VALUE',
      /no `validate`/,
    ],
    [
      'validateOnReturn without validate',
      { max: 1, validateOnReturn: true },
      'ERR_INVALID_ARG_VALUE',
      /no `validate`/,
    ],
    [
      'order unknown',
      { max: 1, order: 'random' },
      'ERR_INVALID_ARG_VALUE',
      /Expected `options.order` to be one of `fifo`, `lifo`/,
    ],
    [
      'createRetry not an object',
      { max: 1, createRetry: true },
      'ERR_INVALID_ARG_TYPE',
      /options.createRetry/,
    ],
    [
      'createRetry min 0',
      { max: 1, createRetry: { minDelayMs: 0 } },
      'ERR_OUT_OF_RANGE',
      /createRetry.minDelayMs/,
    ],
    [
      'createRetry max < min',
      { max: 1, createRetry: { minDelayMs: 500, maxDelayMs: 100 } },
      'ERR_OUT_OF_RANGE',
      /maxDelayMs/,
    ],
    [
      'createRetry factor 0.5',
      { max: 1, createRetry: { factor: 0.5 } },
      'ERR_OUT_OF_RANGE',
      /createRetry.factor/,
    ],
    [
      'createRetry unknown key',
      { max: 1, createRetry: { retries: 3 } },
      'ERR_INVALID_ARG_VALUE',
      /createRetry.retries/,
    ],
    ['leakDetectionMs 0', { max: 1, leakDetectionMs: 0 }, 'ERR_OUT_OF_RANGE', /options.leakDetectionMs/],
    [
      'destroyOnError a number',
      { max: 1, destroyOnError: 1 },
      'ERR_INVALID_ARG_TYPE',
      /options.destroyOnError/,
    ],
    ['priorityRange 0', { max: 1, priorityRange: 0 }, 'ERR_OUT_OF_RANGE', /options.priorityRange/],
    ['name empty', { max: 1, name: '' }, 'ERR_INVALID_ARG_VALUE', /options.name/],
    ['name a number', { max: 1, name: 7 }, 'ERR_INVALID_ARG_TYPE', /options.name/],
    [
      "generic-pool's option names",
      { max: 1, acquireTimeoutMillis: 100 },
      'ERR_INVALID_ARG_VALUE',
      /Expected `options.acquireTimeoutMillis` to be a known option/,
    ],
  ];
  it.each(cases)('%s', (_label, options, code, message) => {
    let thrown: unknown;
    try {
      createPool(factory, options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toMatchObject({ code });
    expect((thrown as Error).message).toMatch(message);
    if (code === 'ERR_OUT_OF_RANGE') expect(thrown).toBeInstanceOf(RangeError);
    else expect(thrown).toBeInstanceOf(TypeError);
  });

  it.each<[string, unknown, RegExp]>([
    ['no factory', undefined, /`factory`/],
    ['no create', { destroy: () => {} }, /`factory.create` to be a function/],
    ['no destroy', { create: () => ({}) }, /`factory.destroy` to be a function/],
    [
      'validate not a function',
      { create: () => ({}), destroy: () => {}, validate: true },
      /`factory.validate`/,
    ],
  ])('bad factory: %s', (_label, badFactory, message) => {
    expect(() => createPool(badFactory as never, { max: 1 })).toThrow(message);
  });

  it('leaves nothing behind when it throws: no create, no registration', async () => {
    const { listPrimitives } = await import('@leakproof/core');
    const before = listPrimitives({ kind: 'pool' }).length;
    const c = controlledFactory();
    expect(() => createPool(c.factory, { max: 1, min: 2 })).toThrow();
    expect(c.creates).toBe(0);
    expect(listPrimitives({ kind: 'pool' }).length).toBe(before);
  });

  it('accepts Infinity for the timeouts and maxUses', async () => {
    const pool = createPool(factory, {
      max: 1,
      acquireTimeoutMs: Infinity,
      createTimeoutMs: Infinity,
      destroyTimeoutMs: Infinity,
      idleTimeoutMs: Infinity,
      maxLifetimeMs: Infinity,
      leakDetectionMs: Infinity,
      maxUses: Infinity,
    });
    (await pool.acquire()).release();
    await pool.close();
  });
});

describe('acquire() rejects bad arguments', () => {
  it.each<[string, unknown, string]>([
    ['options not an object', 5, 'ERR_INVALID_ARG_TYPE'],
    ['signal not a signal', { signal: {} }, 'ERR_INVALID_ARG_TYPE'],
    ['timeoutMs negative', { timeoutMs: -1 }, 'ERR_OUT_OF_RANGE'],
    ['priority out of range', { priority: 1 }, 'ERR_OUT_OF_RANGE'],
    ['priority fractional', { priority: 0.5 }, 'ERR_OUT_OF_RANGE'],
  ])('%s', async (_label, options, code) => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await expect(pool.acquire(options as never)).rejects.toMatchObject({ code });
    expect(c.creates).toBe(0);
    expect(pool.stats().pending).toBe(0);
    await pool.close();
  });
});
