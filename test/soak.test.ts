// The soak inside the test run: 60 seconds of mixed load on every primitive together (HTTP
// on loopback, scoped listeners, a pool of real PostgreSQL connections, chunked queries, a
// Redis tier), with Redis restarts, terminated PostgreSQL backends and slow consumers.
// `pnpm soak` runs the same test for 10 minutes (LEAKPROOF_SOAK_SECONDS=600).
import { describe, expect, it } from 'vitest';
import { runSoak } from './soak/run-soak.js';

const seconds = Number(process.env.LEAKPROOF_SOAK_SECONDS ?? 60);

describe('soak', () => {
  it(`keeps a flat heap, answers every request and leaves nothing behind (${seconds} s, faults injected)`, {
    timeout: (seconds + 180) * 1_000,
  }, async () => {
    const verbose = process.env.LEAKPROOF_SOAK_VERBOSE === '1';
    const report = await runSoak({
      durationMs: seconds * 1_000,
      ...(verbose ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
    });
    const summary = {
      requests: report.load.requests,
      byRoute: report.load.byRoute,
      bytesPerRequest: Math.round(report.bytesPerRequest * 10) / 10,
      trend: report.growth.trend,
      faults: report.faults,
      connectionErrors: report.connectionErrors,
      cacheDegraded: report.cacheDegraded,
      drains: report.drains,
      cacheStats: report.cacheStats,
      slowReports: report.load.slowReports,
      slowConsumerSeen: report.slowConsumerSeen,
      peaks: report.peaks,
      heapMiB: report.growth.samples.map((b) => Math.round(b / 2 ** 17) / 8),
      failures: report.load.failures.slice(0, 10),
      serviceErrors: report.serviceErrors.slice(0, 10),
    };
    if (verbose) process.stderr.write(`${JSON.stringify(summary, null, 2)}\n`);

    // Faults were injected, and the service answered every request correctly anyway.
    expect(report.faults.some((f) => f.includes('Redis restarted'))).toBe(true);
    expect(report.faults.some((f) => /[1-9]\d* PostgreSQL connections terminated/.test(f))).toBe(true);
    expect(report.load.failures.slice(0, 5).join('\n')).toBe('');
    expect(report.serviceErrors.slice(0, 5).join('\n')).toBe('');
    expect(report.load.requests).toBeGreaterThan(seconds * 10);
    expect(report.load.slowReports).toBeGreaterThan(0);
    // The slow readers made the streaming report wait for them (backpressure), not buffer.
    expect(report.drains).toBeGreaterThan(0);
    // Nothing lost: every acknowledged order is stored, once.
    expect(report.storedOrders).toBe(report.load.ackedOrders);

    // Flat heap: a leak of anything per request (a listener, a scope, a row, a lease) retains
    // a few hundred bytes each; after the warm-up the slope stays far below that.
    expect(report.bytesPerRequest).toBeLessThan(128);

    // Bounded while running: listeners follow the requests in flight (8 clients, two each

    // on /watch, plus the slow consumer), the pool and the caches stay within their bounds.

    expect(report.peaks.busListeners).toBeGreaterThan(0);

    expect(report.peaks.busListeners).toBeLessThanOrEqual(2 * 8 + 1);

    expect(report.peaks.poolSize).toBeLessThanOrEqual(6);

    expect(report.peaks.clients).toBeLessThanOrEqual(500);

    expect(report.peaks.l1Size).toBeLessThanOrEqual(500);

    // Released at the end.
    expect(report.poolBorrowedAtEnd).toBe(0);
    expect(report.clientsAtEnd).toBeLessThanOrEqual(500);
    expect(report.busListenersAtEnd).toBe(0);
    // No handle left behind: nothing keeps the event loop alive that did not before.
    const leftovers = Object.entries(report.resourcesAfter).filter(
      ([kind, count]) => count > (report.resourcesBefore[kind] ?? 0),
    );
    expect(leftovers).toEqual([]);
  });
});
