import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { assertNoLeak } from '../src/assert-no-leak.js';
import { governMemory } from '../src/govern-memory.js';
import { memoryStatus } from '../src/memory-status.js';
import { registerMetrics } from '../src/prometheus.js';
import { watchMemory } from '../src/watch-memory.js';

// memwatch's own production paths run for the life of a service: they must retain nothing per call.
describe('memwatch does not leak', () => {
  it('memoryStatus()', async () => {
    const m = await assertNoLeak(() => memoryStatus(), { opsPerSample: 500 });
    expect(m.ops).toBe(5000);
  });

  it('a watcher tick and a governor check below `high`', async () => {
    using watcher = watchMemory({ intervalMs: 1_000_000, window: 5 });
    using governor = governMemory({ intervalMs: 1_000_000, pressure: () => 0.1 });
    await assertNoLeak(
      () => {
        watcher.tick();
        governor.check();
      },
      { opsPerSample: 500 },
    );
    expect(watcher.stats().ticks).toBeGreaterThan(0);
  });

  it('a Prometheus scrape', async () => {
    const registry = new Registry();
    using _binding = await registerMetrics(registry);
    await assertNoLeak(() => registry.metrics(), { opsPerSample: 100, samples: 8 });
  });
});
