import v8 from 'node:v8';
import { registerPrimitive } from '@leakproof/core';
import { registerMetrics } from '@leakproof/memwatch/prometheus';
import * as promClient from 'prom-client';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { expectCollected } from '../src/expect-collected.js';
import { gc } from '../src/gc.js';
import { heapAfterGcUsers } from '../src/heap-after-gc.js';
import { loadPromClient } from '../src/load-prom-client.js';
import { watchMemory } from '../src/watch-memory.js';

// Registered with a module-level stats function: a closure created in a constructor would share
// the constructor's context, and with it `this`, if any other closure there captures `this`.
const tinyStats = (c: TinyCache) => ({ size: c.size });
class TinyCache {
  size = 1;
  constructor(name: string) {
    registerPrimitive(this, { kind: 'cache', name, stats: tinyStats });
  }
}

/** Waits until the process's GC observer has reported a major collection. */
async function afterGcObserved(): Promise<void> {
  const { heapAfterGc } = await import('../src/heap-after-gc.js');
  const before = heapAfterGc()?.count ?? 0;
  while ((heapAfterGc()?.count ?? 0) === before) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('registerMetrics', () => {
  it('never keeps a primitive alive', async () => {
    const registry = new Registry();
    using _binding = await registerMetrics(registry);
    await expectCollected(async () => {
      const cache = new TinyCache('prom-weak');
      expect(await registry.metrics()).toContain('leakproof_cache_size{kind="cache",name="prom-weak"} 1');
      return cache;
    });
    expect(await registry.metrics()).not.toContain('prom-weak');
  });

  it('unregisters what it registered, and leaves nothing half-registered on a clash', async () => {
    const registry = new Registry();
    const binding = await registerMetrics(registry, { client: promClient });
    await expect(registerMetrics(registry)).rejects.toThrow(/already been registered/);
    expect(registry.getMetricsAsArray()).toHaveLength(binding.names.length);
    binding.unregister();
    binding.unregister();
    expect(registry.getMetricsAsArray()).toHaveLength(0);
    // Free again: a second registration now works.
    (await registerMetrics(registry)).unregister();
  });

  it('explains a missing prom-client', async () => {
    const missing = Object.assign(new Error("Cannot find package 'prom-client'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(loadPromClient(() => Promise.reject(missing))).rejects.toMatchObject({
      code: 'ERR_MISSING_PEER_DEPENDENCY',
      message: expect.stringContaining('npm install prom-client'),
      cause: missing,
    });
    expect(typeof (await loadPromClient()).Gauge).toBe('function');
  });

  it('rejects bad arguments', async () => {
    await expect(registerMetrics({} as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(registerMetrics(new Registry(), { prefix: 'bad-prefix' })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
  });

  it('a primitive reporting a non-finite figure never makes registry.metrics() throw', async () => {
    const registry = new Registry();
    const broken = {
      evictions: Number.POSITIVE_INFINITY,
      hits: Number.NaN,
      size: 3,
      bytes: Number.NEGATIVE_INFINITY,
    };
    using _broken = registerPrimitive(broken, {
      kind: 'cache',
      name: 'prom-broken',
      stats: (b) => ({ ...b }),
    });
    const pool = {
      size: Number.NaN,
      borrowed: 1,
      pending: Number.POSITIVE_INFINITY,
      acquireTimeouts: Number.NaN,
    };
    using _pool = registerPrimitive(pool, {
      kind: 'pool',
      name: 'prom-broken-pool',
      stats: (p) => ({ ...p }),
    });
    using _binding = await registerMetrics(registry, { client: promClient });
    const text = await registry.metrics();
    expect(text).toContain('leakproof_cache_size{kind="cache",name="prom-broken"} 3');
    expect(text).toContain('leakproof_pool_borrowed{kind="pool",name="prom-broken-pool"} 1');
    for (const series of [
      'leakproof_cache_evictions_total{kind="cache",name="prom-broken"}',
      'leakproof_cache_hits_total{kind="cache",name="prom-broken"}',
      'leakproof_cache_bytes{kind="cache",name="prom-broken"}',
      'leakproof_pool_size{kind="pool",name="prom-broken-pool"}',
      'leakproof_pool_pending{kind="pool",name="prom-broken-pool"}',
      'leakproof_pool_timeouts_total{kind="pool",name="prom-broken-pool"}',
    ]) {
      expect(text).not.toContain(series);
    }
  });

  it('exposes the heap left after the last major collection and the heap limit', async () => {
    const registry = new Registry();
    const users = heapAfterGcUsers();
    const binding = await registerMetrics(registry);
    expect(heapAfterGcUsers()).toBe(users + 1);
    gc(); // a major collection, as V8 runs on its own
    await afterGcObserved();
    const text = await registry.metrics();
    const afterGc = Number(/^leakproof_heap_after_gc_bytes (\S+)$/m.exec(text)?.[1]);
    expect(afterGc).toBeGreaterThan(1_000_000);
    expect(afterGc).toBeLessThan(v8.getHeapStatistics().heap_size_limit);
    expect(text).toContain(`leakproof_heap_limit_bytes ${v8.getHeapStatistics().heap_size_limit}`);
    expect(text).toContain('# TYPE leakproof_heap_after_gc_bytes gauge');
    binding.unregister();
    // Unregistering stops this binding's interest in collections.
    expect(heapAfterGcUsers()).toBe(users);
  });

  it("exposes each watcher's robust growth rate and trend verdict, once it has judged a window", async () => {
    const registry = new Registry();
    using _binding = await registerMetrics(registry);
    using watcher = watchMemory({
      intervalMs: 1_000_000,
      window: 5,
      trendBytesPerSecond: Number.MAX_VALUE,
      name: 'prom-watcher',
    });
    using _idle = watchMemory({ intervalMs: 1_000_000, name: 'prom-idle-watcher' });
    expect(await registry.metrics()).not.toContain('leakproof_heap_trend{name="prom-watcher"}');
    const leak: number[][] = [];
    for (let i = 0; i < 5; i++) {
      leak.push(new Array(64 * 1024).fill(i));
      gc();
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 5));
      watcher.tick();
    }
    const text = await registry.metrics();
    const slope = Number(
      /^leakproof_heap_growth_bytes_per_second\{name="prom-watcher"\} (\S+)$/m.exec(text)?.[1],
    );
    expect(slope).toBeGreaterThan(0);
    expect(slope).toBe(watcher.stats().lastBytesPerSecond);
    expect(text).toContain('leakproof_heap_trend{name="prom-watcher"} 1');
    // A watcher that has judged nothing yet exports no verdict.
    expect(text).not.toContain('leakproof_heap_trend{name="prom-idle-watcher"}');
    expect(text).not.toContain('leakproof_heap_growth_bytes_per_second{name="prom-idle-watcher"}');
    expect(leak).toHaveLength(5);
  });

  it('rejects null options, and takes undefined as the default', async () => {
    for (const key of ['prefix', 'client', 'containerLimit']) {
      await expect(registerMetrics(new Registry(), { [key]: null } as never), key).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
    const registry = new Registry();
    using binding = await registerMetrics(registry, { prefix: undefined, client: undefined });
    expect(binding.names).toContain('leakproof_heap_after_gc_bytes');
  });
});
