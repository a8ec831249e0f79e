import type { RequestListener } from 'node:http';
import type { Registry } from 'prom-client';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AssertNoLeakOptions,
  assertNoLeak,
  type GrowthMeasurement,
  type governMemory,
  type MemoryGovernor,
  type MemoryStatus,
  type MemoryWatcher,
  measureGrowth,
  memoryStatus,
  memoryStatusHandler,
  type watchMemory,
} from '../src/index.js';
import { type MetricsBinding, registerMetrics } from '../src/prometheus.js';

describe('public types', () => {
  it('measurement functions accept sync and async operations and resolve with the figures', () => {
    expectTypeOf(measureGrowth).toBeCallableWith(() => {});
    expectTypeOf(measureGrowth).toBeCallableWith(async (i: number) => i);
    expectTypeOf(measureGrowth).returns.resolves.toEqualTypeOf<GrowthMeasurement>();
    expectTypeOf(assertNoLeak).parameter(1).toEqualTypeOf<AssertNoLeakOptions | undefined>();
    expectTypeOf<GrowthMeasurement['bytesPerOp']>().toEqualTypeOf<number>();
  });

  it('the status handler is a node:http request listener', () => {
    expectTypeOf(memoryStatusHandler()).toExtend<RequestListener>();
    expectTypeOf(memoryStatus()).toEqualTypeOf<MemoryStatus>();
    expectTypeOf<MemoryStatus['containerLimit']>().toEqualTypeOf<number | null>();
  });

  it('watchers, governors and metric bindings are disposable', () => {
    expectTypeOf<ReturnType<typeof watchMemory>>().toEqualTypeOf<MemoryWatcher>();
    expectTypeOf<MemoryWatcher>().toExtend<Disposable>();
    expectTypeOf<ReturnType<typeof governMemory>>().toEqualTypeOf<MemoryGovernor>();
    expectTypeOf<MemoryGovernor>().toExtend<Disposable>();
    expectTypeOf(registerMetrics).parameter(0).toEqualTypeOf<Registry>();
    expectTypeOf(registerMetrics).returns.resolves.toEqualTypeOf<MetricsBinding>();
    expectTypeOf<MetricsBinding>().toExtend<Disposable>();
  });
});
