// @leakproof/memwatch with a real @leakproof/cache: the metrics a BoundedMap exposes through
// registerMetrics, and governMemory shrinking one. Here, not in either package, so that neither
// package depends on the other.
import { BoundedMap } from '@leakproof/cache';
import { registerPrimitive } from '@leakproof/core';
import { governMemory } from '@leakproof/memwatch';
import { registerMetrics } from '@leakproof/memwatch/prometheus';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

describe('registerMetrics with a BoundedMap', () => {
  it('exposes per-primitive series with kind and name labels on a real registry', async () => {
    const registry = new Registry();
    const map = new BoundedMap<string, string>({ max: 10, name: 'prom-cache' });
    map.set('a', '1');
    map.set('b', '2');
    map.get('a');
    map.get('zzz');
    const pool = { size: 4, borrowed: 3, pending: 2, acquireTimeouts: 1 };
    using _pool = registerPrimitive(pool, { kind: 'pool', name: 'prom-pool', stats: (p) => ({ ...p }) });
    const emitter = { listeners: 5 };
    using _emitter = registerPrimitive(emitter, {
      kind: 'emitter',
      name: 'prom-emitter',
      stats: (e) => ({ ...e }),
    });
    using binding = await registerMetrics(registry, { prefix: 'app_', containerLimit: 2 ** 40 });

    const text = await registry.metrics();
    expect(text).toContain('app_cache_hits_total{kind="cache",name="prom-cache"} 1');
    expect(text).toContain('app_cache_misses_total{kind="cache",name="prom-cache"} 1');
    expect(text).toContain('app_cache_size{kind="cache",name="prom-cache"} 2');
    expect(text).toContain('# TYPE app_cache_evictions_total counter');
    expect(text).toContain('app_pool_size{kind="pool",name="prom-pool"} 4');
    expect(text).toContain('app_pool_borrowed{kind="pool",name="prom-pool"} 3');
    expect(text).toContain('app_pool_pending{kind="pool",name="prom-pool"} 2');
    expect(text).toContain('app_pool_timeouts_total{kind="pool",name="prom-pool"} 1');
    expect(text).toContain('app_emitter_listeners{kind="emitter",name="prom-emitter"} 5');
    expect(text).toContain('app_primitive_stat{kind="cache",name="prom-cache",stat="sets"} 2');
    expect(text).toMatch(/app_primitives\{kind="pool"\} \d+/);
    expect(text).toMatch(/app_memory_pressure_ratio 0\.\d+/);
    expect(binding.names).toContain('app_memory_effective_limit_bytes');

    // Values are read at scrape time.
    map.set('c', '3');
    pool.borrowed = 0;
    const again = await registry.metrics();
    expect(again).toContain('app_cache_size{kind="cache",name="prom-cache"} 3');
    expect(again).toContain('app_pool_borrowed{kind="pool",name="prom-pool"} 0');

    // A disposed primitive's series disappear.
    map.dispose();
    expect(await registry.metrics()).not.toContain('name="prom-cache"');
  });
});

describe('governMemory with a BoundedMap', () => {
  it('shrinks a real BoundedMap under simulated pressure', () => {
    const map = new BoundedMap<number, string>({ max: 10_000, name: 'governed-map' });
    for (let i = 0; i < 10_000; i++) map.set(i, `value-${i}`);
    using governor = governMemory({ high: 0.8, target: 0.5, step: 0.2, pressure: () => map.size / 10_000 });
    const r = governor.check();
    expect(map.size).toBeLessThan(5000);
    expect(r.freedEntries).toBe(10_000 - map.size);
    // The oldest entries went first.
    expect(map.has(0)).toBe(false);
    expect(map.has(9_999)).toBe(true);
    expect(map.stats().evictions).toBe(r.freedEntries);
    map.clear();
  });
});
