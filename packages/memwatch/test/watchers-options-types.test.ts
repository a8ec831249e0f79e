import { Registry } from 'prom-client';
import { describe, expectTypeOf, it } from 'vitest';
import { type WatchFleetOptions, watchFleet } from '../src/fleet.js';
import { type MemoryStatusOptions, memoryStatus } from '../src/memory-status.js';
import { type MemoryStatusHandlerOptions, memoryStatusHandler } from '../src/memory-status-handler.js';
import { type RegisterMetricsOptions, registerMetrics } from '../src/prometheus.js';
import { type WatchMemoryOptions, watchMemory } from '../src/watch-memory.js';

// Under exactOptionalPropertyTypes, `name?: T | undefined` lets a caller pass a value that may
// be undefined (a config read from the environment); `name?: T` would not compile.
declare const maybe: number | undefined;
declare const maybeText: string | undefined;

describe('optional options accept undefined (exactOptionalPropertyTypes)', () => {
  it('for watchMemory, memoryStatus, memoryStatusHandler, registerMetrics and watchFleet', () => {
    expectTypeOf<{
      intervalMs: number | undefined;
      name: string | undefined;
    }>().toExtend<WatchMemoryOptions>();
    expectTypeOf<{ containerLimit: number | undefined }>().toExtend<MemoryStatusOptions>();
    expectTypeOf<{ space: number | undefined }>().toExtend<MemoryStatusHandlerOptions>();
    expectTypeOf<{ prefix: string | undefined }>().toExtend<RegisterMetricsOptions>();
    expectTypeOf<{ targets: string[]; intervalMs: number | undefined }>().toExtend<WatchFleetOptions>();
    // And the calls compile with such values.
    const calls = () => {
      watchMemory({ intervalMs: maybe, name: maybeText }).dispose();
      memoryStatus({ containerLimit: maybe });
      memoryStatusHandler({ space: maybe });
      void registerMetrics(new Registry(), { prefix: maybeText });
      watchFleet({ targets: ['http://127.0.0.1:9'], timeoutMs: maybe, start: false }).dispose();
    };
    expectTypeOf(calls).toBeFunction();
  });
});
