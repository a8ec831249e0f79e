// @leakproof/memwatch as its README shows it: gc, measureGrowth, memoryStatus, and Prometheus
// metrics from its subpath (prom-client installed).
import { BoundedMap } from '@leakproof/cache';
import { gc, measureGrowth, memoryStatus } from '@leakproof/memwatch';
import { registerMetrics } from '@leakproof/memwatch/prometheus';
import { Registry } from 'prom-client';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/memwatch: ${what}`);
}

async function main(): Promise<void> {
  gc();
  const sessions = new Map<number, { user: number }>();
  const growth = await measureGrowth(
    (i) => {
      sessions.set(i, { user: i });
    },
    { samples: 8, opsPerSample: 500 },
  );
  check(growth.bytesPerOp > 10, `a growing Map measures as growth, got ${growth.bytesPerOp} bytes/op`);

  using cache = new BoundedMap<string, string>({ name: 'consumer-cache', max: 10 });
  cache.set('k', 'v');
  const status = memoryStatus();
  check(status.heapUsed > 0 && status.pressure >= 0, 'memoryStatus reports the heap');
  check(
    status.primitives.some((p) => p.name === 'consumer-cache'),
    'memoryStatus lists the cache through the registry',
  );

  const registry = new Registry();
  using binding = await registerMetrics(registry, { prefix: 'app_' });
  check(binding.names.length > 0, 'registerMetrics registered metrics');
  const text = await registry.metrics();
  check(text.includes('app_'), 'the registry exposes the prefixed metrics');
}

main().then(
  () => console.log('ok @leakproof/memwatch'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
