import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoLeak } from '../../src/assert-no-leak.js';
import { type FleetReport, type FleetWatcher, watchFleet } from '../../src/fleet/index.js';
import { type FakeService, fakeService, flat, rising } from './fake-services.js';

// Twenty real HTTP endpoints in this process, five of them leaking (in their figures only).
describe('the fleet watcher stays flat in memory', () => {
  const services: FakeService[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 20; i++) {
      services.push(await fakeService(i % 4 === 0 ? rising(50_000) : flat(), undefined, { record: false }));
    }
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.close()));
  });
  const watch = (onRound?: (r: FleetReport) => void): FleetWatcher =>
    watchFleet({
      targets: services.map((s, i) => ({ name: `svc-${i}`, url: s.url })),
      start: false,
      history: 40,
      window: 20,
      ...(onRound === undefined ? {} : { onRound }),
    });
  // Sockets and parsers leave ±25 KB of noise between samples here (HTTP parser and socket
  // buffers), and the first hundred-odd rounds still compile code: 150 rounds a sample keep that
  // noise well under the allowance per round. An unbounded history would keep at least 16 B per
  // service per round: 320 B per round for twenty services, five times the allowance.
  const measure = { samples: 10, opsPerSample: 150, warmup: 8, maxBytesPerOp: 64 };

  it('rounds over 20 endpoints retain nothing once the bounded history is full', {
    timeout: 180_000,
  }, async () => {
    using fleet = watch();
    const m = await assertNoLeak(() => fleet.tick(), measure);
    expect(fleet.report().services[0]!.samples).toBe(40);
    expect(m.ops).toBe(1500);
  });

  it('the same measurement catches a watcher whose rounds are kept', { timeout: 180_000 }, async () => {
    const kept: FleetReport[] = [];
    using fleet = watch((r) => kept.push(r));
    await expect(assertNoLeak(() => fleet.tick(), measure)).rejects.toMatchObject({
      code: 'ERR_LEAK_DETECTED',
    });
    expect(kept.length).toBeGreaterThan(1500);
  });
});
