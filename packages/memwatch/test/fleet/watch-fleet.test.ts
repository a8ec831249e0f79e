import { listPrimitives } from '@leakproof/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type FleetReport, watchFleet } from '../../src/fleet/index.js';
import { ServiceHistory } from '../../src/fleet/service-history.js';
import { type FakeService, fakeService, flat, rising, status } from './fake-services.js';

const open: FakeService[] = [];
async function service(...args: Parameters<typeof fakeService>): Promise<FakeService> {
  const s = await fakeService(...args);
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function rounds(fleet: { tick(): Promise<FleetReport> }, n: number): Promise<FleetReport> {
  let report: FleetReport | undefined;
  for (let i = 0; i < n; i++) report = await fleet.tick();
  return report!;
}

describe('watchFleet', () => {
  it('ranks the leaking service first and flags none of the healthy ones', async () => {
    const leaky = await service(rising(100_000));
    const a = await service(flat());
    const b = await service(flat());
    using fleet = watchFleet({
      targets: [
        { name: 'a', url: a.url },
        { name: 'leaky', url: leaky.url },
        { name: 'b', url: b.url },
      ],
      start: false,
    });
    const report = await rounds(fleet, 20);
    expect(report.services.map((s) => [s.name, s.verdict])).toEqual([
      ['leaky', 'leaking'],
      expect.arrayContaining([expect.stringMatching(/^[ab]$/), 'ok']),
      expect.arrayContaining([expect.stringMatching(/^[ab]$/), 'ok']),
    ]);
    const top = report.services[0]!;
    expect(top.rank).toBe(1);
    expect(top.bytesPerSecond).toBeCloseTo(100_000, 0);
    expect(top.pIncreasing).toBeLessThan(0.001);
    // 4 GB limit, the last floor 20 MB + 19 × 500 KB, at 100 KB/s.
    expect(top.secondsToLimit).toBeCloseTo((4_000_000_000 - 29_500_000) / 100_000, 0);
    expect(top.flaggedAt).not.toBeNull();
    expect(top.source).toBe('heapAfterGc');
    expect(report.services.filter((s) => s.flaggedAt !== null)).toHaveLength(1);
    expect(fleet.stats()).toMatchObject({ services: 3, rounds: 20, scrapes: 60, failures: 0, leaking: 1 });
  });

  it('says warming until it has minSamples samples spanning minSpanMs', async () => {
    const leaky = await service(rising(100_000, 1000));
    using fleet = watchFleet({ targets: [leaky.url], start: false, minSamples: 5, minSpanMs: 20_000 });
    // 1 s apart: five samples span only 4 s.
    expect((await rounds(fleet, 5)).services[0]!.verdict).toBe('warming');
    expect((await rounds(fleet, 16)).services[0]!.verdict).toBe('leaking');
  });

  it('takes a sample only from a collection it has not seen yet', async () => {
    const same = await service(() => status(20_000_000, 1e12));
    using fleet = watchFleet({ targets: [same.url], start: false });
    const report = await rounds(fleet, 5);
    expect(report.services[0]).toMatchObject({ samples: 1, scrapes: 5, verdict: 'warming' });
  });

  it('falls back to heapUsed for a service that reports no heap after GC', async () => {
    const old = await service((call) => ({
      ...status(0, 0),
      heapAfterGc: null,
      heapAfterGcAt: null,
      heapUsed: 5e6,
      timestamp: 1e12 + call * 5000,
    }));
    using fleet = watchFleet({ targets: [old.url], start: false });
    const report = await rounds(fleet, 3);
    expect(report.services[0]).toMatchObject({ source: 'heapUsed', samples: 3, heapAfterGc: 5e6 });
  });

  it('keeps at most `history` samples per service', async () => {
    const leaky = await service(rising(1000));
    using fleet = watchFleet({ targets: [leaky.url], start: false, history: 10, window: 5, minSamples: 3 });
    await rounds(fleet, 30);
    const report = fleet.report({ history: true });
    expect(report.services[0]!.samples).toBe(10);
    expect(report.services[0]!.history!.t).toHaveLength(10);
    // The newest ten, oldest first.
    expect(report.services[0]!.history!.t[9]).toBe(1e12 + 29 * 5000);
    expect(report.services[0]!.history!.t[0]).toBe(1e12 + 20 * 5000);
  });

  it('gives up on a scrape after timeoutMs, leaves no timer, and calls a silent service unreachable', async () => {
    const silent = await service(flat(), () => true); // never answers
    const before = timers();
    using fleet = watchFleet({ targets: [silent.url], start: false, timeoutMs: 50 });
    let report = await fleet.tick();
    expect(report.services[0]).toMatchObject({
      verdict: 'unreachable',
      lastError: { code: 'ERR_FLEET_TIMEOUT', message: 'No complete answer within 50 ms' },
    });
    report = await rounds(fleet, 2);
    expect(report.services[0]).toMatchObject({ scrapes: 3, failures: 3, verdict: 'unreachable' });
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('scrapes at most `concurrency` services at once', async () => {
    const slow = await service(flat(), async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.end(JSON.stringify(status(20_000_000, Date.now())));
      return true;
    });
    using fleet = watchFleet({
      targets: Array.from({ length: 6 }, (_, i) => `${slow.url}/s${i}/status/memory`),
      start: false,
      concurrency: 2,
    });
    await fleet.tick();
    expect(slow.requests).toHaveLength(6);
    expect(slow.inFlight.max).toBeLessThanOrEqual(2);
  });

  it('requests only the URLs it was given and follows no redirect', async () => {
    const elsewhere = await service(flat());
    const redirecting = await service(flat(), (_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/status/memory` }).end();
      return true;
    });
    using fleet = watchFleet({ targets: [redirecting.url], start: false });
    const report = await fleet.tick();
    expect(report.services[0]!.lastError).toMatchObject({ code: 'ERR_FLEET_HTTP_STATUS' });
    expect(report.services[0]!.lastError!.message).toMatch(/302.*redirects are not followed/);
    expect(elsewhere.requests).toEqual([]);
    // A bare origin is asked for /status/memory, a full URL for itself.
    expect(redirecting.requests).toEqual(['/status/memory']);
  });

  it('reads at most maxBodyBytes of a body', async () => {
    const huge = await service(() => ({ ...status(1e7, 1e12), padding: 'x'.repeat(200_000) }));
    using fleet = watchFleet({ targets: [huge.url], start: false, maxBodyBytes: 64 * 1024 });
    const report = await fleet.tick();
    expect(report.services[0]!.lastError).toMatchObject({ code: 'ERR_FLEET_BODY_TOO_LARGE' });
  });

  it('counts a body that is not a memoryStatus() document as a failed scrape', async () => {
    const bad = await service(() => ({ heapUsed: 'a lot' }));
    const notJson = await service(flat(), (_req, res) => {
      res.end('<html>');
      return true;
    });
    using fleet = watchFleet({ targets: [bad.url, notJson.url], start: false });
    const report = await fleet.tick();
    expect(report.services.map((s) => s.lastError?.code)).toEqual([
      'ERR_FLEET_BAD_STATUS',
      'ERR_FLEET_BAD_STATUS',
    ]);
  });

  it('ranks a service under pressure after a leaking one, and reports its biggest primitives', async () => {
    const primitives = [
      { id: 1, kind: 'cache', name: 'small', stats: { size: 3, bytes: 100 } },
      { id: 2, kind: 'pool', name: 'db', stats: { size: 4 } },
      { id: 3, kind: 'cache', name: 'sessions', stats: { size: 900, bytes: 9_000_000 } },
      { id: 4, kind: 'cache', name: 'tokens', stats: { size: 50, bytes: 40_000 } },
      { id: 5, kind: 'emitter', name: 'bus', stats: { listeners: 3 } },
    ];
    const hot = await service((call) => status(1e8, 1e12 + call * 5000, { pressure: 0.93, primitives }));
    const leaky = await service(rising(100_000));
    using fleet = watchFleet({
      targets: [
        { name: 'hot', url: hot.url },
        { name: 'leaky', url: leaky.url },
      ],
      start: false,
    });
    const report = await rounds(fleet, 15);
    expect(report.services.map((s) => [s.name, s.verdict])).toEqual([
      ['leaky', 'leaking'],
      ['hot', 'pressure'],
    ]);
    expect(report.services[1]!.top.map((p) => p.name)).toEqual(['sessions', 'tokens', 'small']);
  });

  it('runs rounds on its own, on a timer that never keeps the process alive, and leaves nothing when disposed', async () => {
    const a = await service(flat());
    const before = timers();
    const seen: number[] = [];
    let resolveTwo!: () => void;
    const two = new Promise<void>((resolve) => {
      resolveTwo = resolve;
    });
    const fleet = watchFleet({
      targets: [a.url],
      intervalMs: 10,
      name: 'fleet-under-test',
      onRound: (r) => {
        seen.push(r.rounds);
        if (r.rounds === 2) resolveTwo();
      },
    });
    expect(listPrimitives({ kind: 'fleet-watcher' }).map((p) => p.name)).toContain('fleet-under-test');
    await two;
    fleet.dispose();
    fleet.dispose();
    expect(seen.slice(0, 2)).toEqual([1, 2]);
    expect(listPrimitives({ kind: 'fleet-watcher' }).map((p) => p.name)).not.toContain('fleet-under-test');
    // A round may still be finishing its scrape; once it has, nothing is armed.
    await fleet.tick();
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('rejects bad options at the call, null included, and takes undefined as the default', () => {
    const url = 'http://127.0.0.1:9/status/memory';
    const cases: [unknown, string, RegExp][] = [
      [undefined, 'ERR_INVALID_ARG_TYPE', /options/],
      [{ targets: [url], intervalMs: null }, 'ERR_INVALID_ARG_TYPE', /options\.intervalMs/],
      [{ targets: [url], timeoutMs: 0 }, 'ERR_OUT_OF_RANGE', /options\.timeoutMs/],
      [{ targets: [url], concurrency: 1.5 }, 'ERR_OUT_OF_RANGE', /options\.concurrency/],
      [{ targets: [url], window: 50, history: 20 }, 'ERR_INVALID_ARG_VALUE', /options\.window/],
      [{ targets: [url], intervall: 5 }, 'ERR_INVALID_ARG_VALUE', /options\.intervall/],
      [{ targets: [] }, 'ERR_INVALID_ARG_VALUE', /options\.targets/],
      [{ targets: 'http://x' }, 'ERR_INVALID_ARG_TYPE', /options\.targets/],
      [{ targets: ['ftp://x/'] }, 'ERR_INVALID_ARG_VALUE', /options\.targets\[0\]/],
      [{ targets: ['not a url'] }, 'ERR_INVALID_ARG_VALUE', /options\.targets\[0\]/],
      [{ targets: [url, url] }, 'ERR_INVALID_ARG_VALUE', /named only once/],
      [{ targets: [{ url, name: null }] }, 'ERR_INVALID_ARG_TYPE', /options\.targets\[0\]\.name/],
      [{ targets: [url], onRound: 5 }, 'ERR_INVALID_ARG_TYPE', /options\.onRound/],
    ];
    for (const [options, code, message] of cases) {
      expect(() => watchFleet(options as never), JSON.stringify(options)).toThrow(message);
      try {
        watchFleet(options as never);
      } catch (error) {
        expect((error as { code?: string }).code, JSON.stringify(options)).toBe(code);
      }
    }
    using fleet = watchFleet({ targets: [url], intervalMs: undefined, window: undefined, start: false });
    expect(fleet.report().services[0]).toMatchObject({ name: '127.0.0.1:9', verdict: 'warming', rank: 1 });
  });
});

describe('ServiceHistory', () => {
  it('holds the latest `capacity` new collections in time order, like an array sliced at the end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 12 }),
        fc.array(
          fc.record({ dt: fc.integer({ min: -2, max: 5 }), bytes: fc.integer({ min: 0, max: 1e9 }) }),
          {
            maxLength: 60,
          },
        ),
        (capacity, steps) => {
          const history = new ServiceHistory('s', new URL('http://x/'), capacity);
          let model: { t: number; bytes: number }[] = [];
          let t = 1e12;
          for (const { dt, bytes } of steps) {
            t += dt * 1000;
            history.record({
              timestamp: t,
              heapUsed: bytes,
              heapAfterGc: bytes,
              heapAfterGcAt: t,
              heapLimit: 4e9,
              rss: bytes,
              containerLimit: null,
              effectiveLimit: 4e9,
              pressure: 0,
              top: [],
            });
            const last = model[model.length - 1];
            if (last !== undefined && t === last.t) continue; // a collection already seen
            if (last !== undefined && t < last.t) model = []; // a restarted service
            model.push({ t, bytes });
            model = model.slice(-capacity);
          }
          const rules = {
            window: capacity,
            minSamples: 3,
            minSpanMs: 0,
            trendBytesPerSecond: 0,
            alpha: 0.05,
            pressureThreshold: 0.85,
            unreachableAfter: 3,
          };
          const seen = history.assess(rules, 0, true).history!;
          expect(seen.t).toEqual(model.map((m) => m.t));
          expect(seen.bytes).toEqual(model.map((m) => m.bytes));
        },
      ),
    );
  });
});
