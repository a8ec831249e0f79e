import { describe, expectTypeOf, it } from 'vitest';
import type {
  AssertNoLeakOptions,
  FindLeaksOptions,
  GovernMemoryOptions,
  MeasureGrowthOptions,
  MemoryProfileHandlerOptions,
} from '../src/index.js';

// Under exactOptionalPropertyTypes, `?: T` rejects an explicit `undefined`; every optional
// option here is `?: T | undefined`, so a value that may be undefined passes as it is.
const maybe = <T>(value: T): T | undefined => value;

describe('optional options take an explicit undefined', () => {
  it('compiles with undefined for every optional option', () => {
    const find: FindLeaksOptions = {
      ops: maybe(1),
      warmupOps: maybe(1),
      samplingInterval: maybe(1),
      minBytesPerOp: maybe(1),
      top: maybe(1),
      retainers: maybe(true),
      inlining: maybe(true),
    };
    const measure: MeasureGrowthOptions = {
      samples: maybe(3),
      opsPerSample: maybe(1),
      warmup: maybe(1),
      memory: maybe('heap'),
      alpha: maybe(0.05),
    };
    const assertOptions: AssertNoLeakOptions = {
      ...measure,
      maxBytesPerOp: maybe(1),
      minGrowthBytes: maybe(1),
      heapSnapshot: maybe(true),
      sites: maybe(false),
    };
    const govern: GovernMemoryOptions = {
      high: maybe(0.9),
      target: maybe(0.5),
      intervalMs: maybe(10),
      step: maybe(0.5),
      collect: maybe(true),
      pressure: maybe(() => 0.5),
      containerLimit: maybe(1),
      name: maybe('x'),
    };
    const route: MemoryProfileHandlerOptions = {
      token: 'a-long-enough-test-token',
      defaultSeconds: maybe(1),
      maxSeconds: maybe(1),
      samplingInterval: maybe(65536),
      minSamplingInterval: maybe(65536),
      collect: maybe(false),
      top: maybe(1),
    };
    expectTypeOf(find.ops).toEqualTypeOf<number | undefined>();
    expectTypeOf(assertOptions.sites).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(govern.pressure).toEqualTypeOf<(() => number) | undefined>();
    expectTypeOf(route.token).toEqualTypeOf<string>();
    expectTypeOf(measure.memory).toEqualTypeOf<'heap' | 'heap+external' | undefined>();
  });
});
