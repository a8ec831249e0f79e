// The same service, the same traffic, a 48 MiB heap: the plain cache kills the process,
// the bounded one keeps it serving. Runs the real server in child processes.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../src/scenario.js';

// The plain service dies after roughly 550 distinct pages at 48 MiB: 2,000 is a wide margin.
const load = { requests: 2_000, heapMiB: 48 };

describe('memory limit', () => {
  it('the plain Map cache runs the process out of heap', { timeout: 90_000 }, async () => {
    const result = await runScenario('plain', load);
    expect(result.crashed).toBe(true);
    expect(result.outOfMemory).toBe(true);
    expect(result.served).toBeLessThan(load.requests);
  });

  it('the BoundedMap cache keeps serving within its byte budget', { timeout: 90_000 }, async () => {
    const result = await runScenario('leakproof', load);
    expect(result.crashed).toBe(false);
    expect(result.served).toBe(load.requests);
    // 8 MiB budget / 64 KiB pages = at most 128 pages.
    expect(result.status?.cachedPages).toBeGreaterThan(0);
    expect(result.status?.cachedPages).toBeLessThanOrEqual(128);
    expect(result.exit).toBe('code 0');
  });
});
