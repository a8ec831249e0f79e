import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import {
  buffer,
  chunk,
  drop,
  filter,
  flatMap,
  forEach,
  from,
  map,
  mapConcurrent,
  merge,
  paginate,
  pipe,
  reduce,
  take,
  tap,
  toArray,
  toReadable,
} from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { probe, range } from './helpers.js';

const noop = () => {};
const badSources: unknown[] = [undefined, null, 42, {}, { next() {} }, Promise.resolve([1])];
const badCounts: unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 24 + 1];

// Each call is made with an instrumented source; it must throw before reading anything.
type Call = (source: AsyncIterable<number>) => unknown;

const rangeCases: [string, string, (bad: unknown) => Call][] = [
  ['chunk size', 'options.size', (bad) => (s) => chunk(s, { size: bad as number })],
  ['chunk size shorthand', 'size', (bad) => (s) => chunk(s, bad as number)],
  [
    'mapConcurrent concurrency',
    'options.concurrency',
    (bad) => (s) => mapConcurrent(s, noop, { concurrency: bad as number }),
  ],
  [
    'flatMap concurrency',
    'options.concurrency',
    (bad) => (s) => flatMap(s, () => [], { concurrency: bad as number }),
  ],
  [
    'forEach concurrency',
    'options.concurrency',
    (bad) => (s) => forEach(s, noop, { concurrency: bad as number }),
  ],
  ['merge concurrency', 'options.concurrency', (bad) => (s) => merge([s], { concurrency: bad as number })],
  ['buffer size', 'size', (bad) => (s) => buffer(s, bad as number)],
  ['toArray max', 'options.max', (bad) => (s) => toArray(s, { max: bad as number })],
  [
    'paginate limit',
    'options.limit',
    (bad) => () => paginate(async () => ({ items: [], next: undefined }), { limit: bad as number }),
  ],
  [
    'paginate maxPages',
    'options.maxPages',
    (bad) => () =>
      paginate(async () => ({ items: [], next: undefined }), { limit: 1, maxPages: bad as number }),
  ],
];

describe('bad input throws at the call, before any item is read', () => {
  for (const [what, option, make] of rangeCases) {
    test(`${what}: 0, negative, fractional, NaN, Infinity, too large`, () => {
      for (const bad of badCounts) {
        if (option === 'options.maxPages' && bad === 2 ** 24 + 1) continue; // maxPages may be large
        const p = probe(range(10));
        expect(() => make(bad)(p.source), `${what} = ${String(bad)}`).toThrowError(
          expect.objectContaining({
            code: 'ERR_OUT_OF_RANGE',
            message: expect.stringContaining(`\`${option}\``),
          }),
        );
        expect(p.pulled()).toBe(0);
      }
    });
    test(`${what}: a string is the wrong type`, () => {
      const p = probe(range(10));
      expect(() => make('4')(p.source)).toThrowError(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
      expect(p.pulled()).toBe(0);
    });
  }

  test('the message names the option and the value received', () => {
    expect(() => chunk([1], { size: 0 })).toThrow(
      'Expected `options.size` to be an integer from 1 to 16777216, got `0` (number)',
    );
    expect(() => mapConcurrent([1], noop, { concurrency: Number.NaN })).toThrow(
      'Expected `options.concurrency` to be an integer from 1 to 16777216, got `NaN` (number)',
    );
  });

  test('required bounds: toArray without max, chunk without size, mapConcurrent without concurrency', () => {
    const p = probe(range(3));
    expect(() => toArray(p.source, undefined as never)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('`options.max`'),
      }),
    );
    expect(() => toArray(p.source, {} as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => chunk(p.source, {} as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => mapConcurrent(p.source, noop, undefined as never)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('`options.concurrency`'),
      }),
    );
    expect(() => paginate(noop as never, undefined as never)).toThrowError(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('`options.limit`'),
      }),
    );
    expect(p.pulled()).toBe(0);
  });

  test('non-iterable sources are rejected by every function', () => {
    const calls: [string, (s: unknown) => unknown][] = [
      ['chunk', (s) => chunk(s as never, 2)],
      ['mapConcurrent', (s) => mapConcurrent(s as never, noop, { concurrency: 1 })],
      ['map', (s) => map(s as never, noop)],
      ['filter', (s) => filter(s as never, noop)],
      ['tap', (s) => tap(s as never, noop)],
      ['take', (s) => take(s as never, 1)],
      ['drop', (s) => drop(s as never, 1)],
      ['flatMap', (s) => flatMap(s as never, () => [])],
      ['merge', (s) => merge(s as never)],
      ['merge element', (s) => merge([[1], s] as never)],
      ['buffer', (s) => buffer(s as never, 1)],
      ['forEach', (s) => forEach(s as never, noop)],
      ['reduce', (s) => reduce(s as never, () => 0, 0)],
      ['toArray', (s) => toArray(s as never, { max: 1 })],
      ['toReadable', (s) => toReadable(s as never)],
      ['from', (s) => from(s as never)],
      ['pipe', (s) => pipe(s as never)],
    ];
    for (const [name, call] of calls) {
      for (const bad of badSources) {
        expect(() => call(bad), `${name}(${String(bad)})`).toThrowError(
          expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
        );
      }
    }
  });

  test('callbacks must be functions', () => {
    const p = probe(range(3));
    for (const call of [
      () => map(p.source, 1 as never),
      () => filter(p.source, 'x' as never),
      () => tap(p.source, null as never),
      () => mapConcurrent(p.source, {} as never, { concurrency: 1 }),
      () => flatMap(p.source, undefined as never),
      () => forEach(p.source, undefined as never),
      () => reduce(p.source, undefined as never, 0),
      () => paginate(undefined as never, { limit: 1 }),
      () => chunk(p.source, { size: 1, maxBytes: 10, sizeOf: 3 as never }),
      () => pipe(p.source, 5 as never),
    ]) {
      expect(call).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    }
    expect(p.pulled()).toBe(0);
  });

  test('other options: signal, ordered, maxWaitMs, maxBytes, take/drop counts, name', () => {
    const p = probe(range(3));
    const bad: [() => unknown, string][] = [
      [() => chunk(p.source, { size: 1, signal: {} as never }), 'ERR_INVALID_ARG_TYPE'],
      [() => chunk(p.source, { size: 1, maxWaitMs: -1 }), 'ERR_OUT_OF_RANGE'],
      [() => chunk(p.source, { size: 1, maxWaitMs: Number.NaN }), 'ERR_OUT_OF_RANGE'],
      [() => chunk(p.source, { size: 1, maxBytes: 0 }), 'ERR_OUT_OF_RANGE'],
      [
        () => mapConcurrent(p.source, noop, { concurrency: 1, ordered: 'yes' as never }),
        'ERR_INVALID_ARG_TYPE',
      ],
      [() => take(p.source, -1), 'ERR_OUT_OF_RANGE'],
      [() => drop(p.source, 0.5), 'ERR_OUT_OF_RANGE'],
      [() => map(p.source, noop, { name: 7 as never }), 'ERR_INVALID_ARG_TYPE'],
      [() => toReadable(p.source, { highWaterMark: -1 }), 'ERR_OUT_OF_RANGE'],
      [() => chunk(p.source, 'ten' as never), 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [call, code] of bad) expect(call).toThrowError(expect.objectContaining({ code }));
    expect(p.pulled()).toBe(0);
  });

  test('a rejected call leaves no listener on the signal', () => {
    const controller = new AbortController();
    expect(() => mapConcurrent(range(3), noop, { concurrency: 0, signal: controller.signal })).toThrow();
    expect(() => chunk(range(3), { size: 0, signal: controller.signal })).toThrow();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe('options bags: one rule for every function', () => {
  const source = () => probe(range(3));
  // Every options-taking function, called with a bag holding one extra key.
  const withOptions: [string, (s: AsyncIterable<number>, extra: Record<string, unknown>) => unknown][] = [
    ['from', (s, x) => from(s, x)],
    ['map', (s, x) => map(s, noop, x)],
    ['filter', (s, x) => filter(s, noop, x)],
    ['tap', (s, x) => tap(s, noop, x)],
    ['take', (s, x) => take(s, 1, x)],
    ['drop', (s, x) => drop(s, 1, x)],
    ['buffer', (s, x) => buffer(s, 1, x)],
    ['chunk', (s, x) => chunk(s, { size: 2, ...x })],
    ['mapConcurrent', (s, x) => mapConcurrent(s, noop, { concurrency: 1, ...x })],
    ['flatMap', (s, x) => flatMap(s, () => [], x)],
    ['merge', (s, x) => merge([s], x)],
    ['paginate', (_s, x) => paginate(async () => ({ items: [], next: null }), { limit: 1, ...x })],
    ['forEach', (s, x) => forEach(s, noop, x)],
    ['reduce', (s, x) => reduce(s, (a: number) => a, 0, x)],
    ['toArray', (s, x) => toArray(s, { max: 1, ...x })],
    ['toReadable', (s, x) => toReadable(s, x)],
  ];

  test.each(withOptions)(
    '%s rejects an unknown key with ERR_INVALID_ARG_VALUE, naming options.<key>',
    (name, call) => {
      const p = source();
      expect(() => call(p.source, { sginal: undefined })).toThrowError(
        expect.objectContaining({
          name: 'TypeError',
          code: 'ERR_INVALID_ARG_VALUE',
          message: expect.stringMatching(
            new RegExp(
              `^Expected \`options\\.sginal\` to be a known option of ${name} .*did you mean \`options\\.signal\`\\?`,
            ),
          ),
        }),
      );
      expect(p.pulled()).toBe(0);
    },
  );

  test.each(withOptions)(
    '%s: undefined options take their defaults; null is ERR_INVALID_ARG_TYPE',
    async (_name, call) => {
      const p = source();
      // Accepted: a stage, a promise (the consumers start reading) or a stream; each is closed again.
      const made = call(p.source, { signal: undefined, name: undefined });
      if (made instanceof Promise) await made.catch(() => {});
      else if (made instanceof Readable) made.destroy();
      else await (made as AsyncGenerator).return(undefined);
      expect(() => call(p.source, { signal: null })).toThrowError(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining('`options.signal`'),
        }),
      );
      expect(() => call(p.source, { name: null })).toThrowError(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining('`options.name`'),
        }),
      );
    },
  );

  test('null for a numeric or boolean option is ERR_INVALID_ARG_TYPE, not "the default" (forEach, flatMap, toReadable)', () => {
    const p = source();
    const cases: [() => unknown, string][] = [
      [() => forEach(p.source, noop, { concurrency: null as never }), 'options.concurrency'],
      [() => flatMap(p.source, () => [], { concurrency: null as never }), 'options.concurrency'],
      [() => mapConcurrent(p.source, noop, { concurrency: 1, ordered: null as never }), 'options.ordered'],
      [() => merge([p.source], { concurrency: null as never }), 'options.concurrency'],
      [() => chunk(p.source, { size: 1, maxBytes: null as never }), 'options.maxBytes'],
      [() => chunk(p.source, { size: 1, maxWaitMs: null as never }), 'options.maxWaitMs'],
      [
        () => paginate(async () => ({ items: [], next: null }), { limit: 1, maxPages: null as never }),
        'options.maxPages',
      ],
      [() => toReadable(p.source, { objectMode: null as never }), 'options.objectMode'],
      [() => toReadable(p.source, { highWaterMark: null as never }), 'options.highWaterMark'],
    ];
    for (const [call, option] of cases) {
      expect(call, option).toThrowError(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: expect.stringContaining(`\`${option}\``),
        }),
      );
    }
    expect(p.pulled()).toBe(0);
  });

  test('hints for names brought from other libraries', () => {
    expect(() => chunk([1], { size: 1, maxWait: 5 } as never)).toThrow('use `options.maxWaitMs`');
    expect(() => chunk([1], { size: 1, maxSize: 5 } as never)).toThrow('use `options.maxBytes`');
    expect(() => mapConcurrent([1], noop, { concurrency: 1, preserveOrder: true } as never)).toThrow(
      'use `options.ordered`',
    );
    expect(() => mapConcurrent([1], noop, { concurrency: 1, stopOnError: false } as never)).toThrow(
      'the first failure always stops the stage',
    );
  });
});
