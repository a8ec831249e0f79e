// Plain JavaScript against @leakproof/memwatch and its Prometheus subpath.
import { memoryStatus } from '@leakproof/memwatch';
import { registerMetrics } from '@leakproof/memwatch/prometheus';
import { Registry } from 'prom-client';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/memwatch: ${what}`);
};

async function main() {
  check(memoryStatus().heapUsed > 0, 'memoryStatus reports the heap');
  const registry = new Registry();
  const binding = await registerMetrics(registry, { prefix: 'app_' });
  check((await registry.metrics()).includes('app_'), 'the registry exposes the prefixed metrics');
  binding.unregister();
}

main().then(
  () => console.log('ok @leakproof/memwatch'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
