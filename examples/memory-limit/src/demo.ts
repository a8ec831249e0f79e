// The Kubernetes-style demo: the same service under the same traffic with a 48 MiB heap.
// Run: npm start -- [requests] (from this example's folder)
import { runScenario } from './scenario.js';

const requests = Number(process.argv[2] ?? 3_000);
const heapMiB = 48;
console.log(`Each mode: node --max-old-space-size=${heapMiB}, ${requests} requests for distinct products.\n`);
for (const mode of ['plain', 'leakproof'] as const) {
  const r = await runScenario(mode, { requests, heapMiB });
  if (r.crashed) {
    console.log(
      `${mode.padEnd(9)}  crashed after ${r.served} requests (${r.exit}${r.outOfMemory ? ', JavaScript heap out of memory' : ''})`,
    );
  } else {
    const heap = r.status
      ? `${(r.status.heapUsed / 2 ** 20).toFixed(1)} MiB heap, ${r.status.cachedPages} pages cached`
      : '';
    console.log(`${mode.padEnd(9)}  served all ${r.served} requests and kept serving (${heap})`);
  }
}
