import { BoundedMap, type EvictReason } from '@leakproof/cache';
import { afterEach, describe, expect, it, vi } from 'vitest';

function fakeClock(start = 0) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

describe('ttl', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves an entry through ttl ms and treats it as absent after, in every read', () => {
    const clock = fakeClock();
    const map = new BoundedMap<string, number>({ max: 10, ttl: 100, clock });
    map.set('a', 1);
    clock.time = 100;
    expect(map.get('a')).toBe(1);
    clock.time = 101;
    expect(map.has('a')).toBe(false);
    expect(map.peek('a')).toBeUndefined();
    expect([...map.keys()]).toEqual([]);
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
    expect(map.stats()).toMatchObject({ expirations: 1, size: 0, hits: 1, misses: 1 });
  });

  it('size never counts an expired entry, even one nobody read', () => {
    const clock = fakeClock(1000);
    const map = new BoundedMap<number, number>({ max: 100, ttl: 50, clock });
    for (let i = 0; i < 10; i++) {
      map.set(i, i, { ttl: 10 * (i + 1) });
    }
    for (let t = 0; t <= 110; t += 5) {
      clock.time = 1000 + t;
      const live = Array.from({ length: 10 }, (_, i) => i).filter((i) => t <= 10 * (i + 1)).length;
      expect(map.size, `at +${t} ms`).toBe(live);
    }
  });

  it('reports entries expired together in iteration order, whatever was read or set since', () => {
    // A property-test counterexample: a re-set key keeps its place in iteration, and the
    // report follows iteration, not recency.
    for (const policy of ['lru', 'tinylfu'] as const) {
      const clock = fakeClock(1000);
      const events: [number, number, EvictReason][] = [];
      const map = new BoundedMap<number, number>({
        max: 4,
        ttl: 15,
        clock,
        policy,
        sweepIntervalMs: false,
        onEvict: (value, key, reason) => events.push([key, value, reason]),
      });
      map.set(1, 1).set(0, 1).set(2, 1);
      clock.time += 5;
      map.set(1, 2);
      map.get(0);
      events.length = 0;
      clock.time += 16;
      expect(map.size).toBe(0);
      expect(events, policy).toEqual([
        [1, 2, 'expire'],
        [0, 1, 'expire'],
        [2, 1, 'expire'],
      ]);
    }
  });

  it('reports its default ttl, Infinity when there is none', () => {
    expect(new BoundedMap({ max: 1, ttl: 250 }).ttl).toBe(250);
    expect(new BoundedMap({ max: 1 }).ttl).toBe(Number.POSITIVE_INFINITY);
  });

  it('per-entry ttl overrides the default, Infinity means never', () => {
    const clock = fakeClock();
    const map = new BoundedMap<string, number>({ max: 10, ttl: 10, clock });
    map.set('short', 1).set('long', 2, { ttl: 1000 }).set('forever', 3, { ttl: Number.POSITIVE_INFINITY });
    clock.time = 500;
    expect([...map.keys()]).toEqual(['long', 'forever']);
    clock.time = 10_000_000;
    expect([...map.keys()]).toEqual(['forever']);
  });

  it('a map without a default ttl still expires entries given one', () => {
    const clock = fakeClock();
    const map = new BoundedMap<string, number>({ max: 10, clock });
    map.set('a', 1, { ttl: 5 }).set('b', 2);
    clock.time = 6;
    expect([...map.keys()]).toEqual(['b']);
  });

  it('delete of an expired entry returns false and reports it as expired', () => {
    const clock = fakeClock();
    const reasons: EvictReason[] = [];
    const map = new BoundedMap<string, number>({
      max: 10,
      ttl: 5,
      clock,
      onEvict: (_v, _k, r) => reasons.push(r),
    });
    map.set('a', 1);
    clock.time = 6;
    expect(map.delete('a')).toBe(false);
    expect(reasons).toEqual(['expire']);
    expect(map.stats().deletes).toBe(0);
  });

  it('the sweep removes expired entries nobody reads, on one unref timer', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const clock = fakeClock();
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>({
      max: 10,
      ttl: 1000,
      sweepIntervalMs: 1000,
      clock,
      onEvict: (_v, k, reason) => evicted.push(`${k}:${reason}`),
    });
    expect(vi.getTimerCount()).toBe(0); // no timer until an entry has a ttl
    map.set('a', 1).set('b', 2);
    expect(vi.getTimerCount()).toBe(1);
    clock.time = 2000;
    vi.advanceTimersByTime(1000);
    expect(evicted).toEqual(['a:expire', 'b:expire']);
    map.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sweepIntervalMs: false arms no timer', () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const map = new BoundedMap<string, number>({ max: 10, ttl: 1000, sweepIntervalMs: false });
    map.set('a', 1);
    expect(vi.getTimerCount()).toBe(0);
    map.dispose();
  });

  it('the sweep timer is unref-ed', () => {
    const map = new BoundedMap<string, number>({ max: 10, ttl: 60_000 });
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    map.set('a', 1);
    // An unref-ed timer is not an active resource that keeps the loop alive.
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(before);
    map.dispose();
  });

  it('with the real clock, an entry expires after its ttl', async () => {
    const map = new BoundedMap<string, number>({ max: 10, ttl: 20 });
    map.set('a', 1);
    expect(map.get('a')).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(map.has('a')).toBe(false);
    expect(map.size).toBe(0);
    map.dispose();
  });
});
