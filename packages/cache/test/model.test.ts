import { BoundedMap, type EvictReason } from '@leakproof/cache';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The reference: a plain array in recency order (least recent first) holding every entry the
 * engine holds, expired ones included until something removes them, plus a fake clock.
 * An entry set at `t` with `ttl` is live while `now <= t + ttl`. Each entry remembers when
 * its key was first inserted: iteration follows that order, as a Map's does.
 */
interface Entry {
  order: number;
  key: number | undefined;
  value: number | undefined;
  size: number;
  expiresAt: number;
}
type Event = [key: number | undefined, value: number | undefined, reason: EvictReason];

interface Model {
  entries: Entry[];
  inserted: number;
  now: number;
  events: Event[];
  readonly max: number;
  readonly maxBytes: number;
  readonly ttl: number;
}
interface Real {
  map: BoundedMap<number | undefined, number | undefined>;
  clock: { time: number };
  events: Event[];
}

const sizeOf = (value: number | undefined) => (value ?? 0) + 1;
const live = (m: Model, e: Entry) => m.now <= e.expiresAt;
const liveEntries = (m: Model) => m.entries.filter((e) => live(m, e));
const bytes = (m: Model) => m.entries.reduce((sum, e) => sum + e.size, 0);

function remove(m: Model, index: number, reason: EvictReason) {
  const [e] = m.entries.splice(index, 1);
  m.events.push([e!.key, e!.value, reason]);
}
/** What iteration, `size` and the sweep do first: remove the expired entries, in iteration order. */
function purge(m: Model) {
  const expired = m.entries.filter((e) => !live(m, e)).sort((a, b) => a.order - b.order);
  for (const e of expired) remove(m, m.entries.indexOf(e), 'expire');
}

function expectSame(m: Model, r: Real) {
  expect(r.events).toEqual(m.events);
  r.events.length = 0;
  m.events.length = 0;
}

class SetCommand implements fc.Command<Model, Real> {
  constructor(
    readonly key: number | undefined,
    readonly value: number | undefined,
    readonly ttl: number | undefined,
  ) {}
  check = () => true;
  run(m: Model, r: Real) {
    const size = sizeOf(this.value);
    const ttl = this.ttl ?? m.ttl;
    const call = () =>
      r.map.set(this.key, this.value, this.ttl === undefined ? undefined : { ttl: this.ttl });
    if (m.maxBytes !== 0 && size > m.maxBytes) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_CACHE_ENTRY_TOO_LARGE' }));
      return expectSame(m, r);
    }
    expect(call()).toBe(r.map);
    const entry = { order: m.inserted++, key: this.key, value: this.value, size, expiresAt: m.now + ttl };
    const index = m.entries.findIndex((e) => e.key === this.key);
    if (index !== -1) {
      const [old] = m.entries.splice(index, 1);
      m.entries.push(old!);
      if (old!.value !== this.value) {
        m.events.push([old!.key, old!.value, 'set']);
        old!.value = this.value;
        old!.size = size;
      }
      old!.expiresAt = entry.expiresAt;
    } else {
      if (m.max !== 0 && m.entries.length === m.max) remove(m, 0, 'evict');
      m.entries.push(entry);
    }
    if (m.maxBytes !== 0) {
      while (bytes(m) > m.maxBytes) remove(m, 0, 'evict');
    }
    expectSame(m, r);
  }
  toString = () => `set(${this.key}, ${this.value}${this.ttl === undefined ? '' : `, { ttl: ${this.ttl} }`})`;
}

class GetCommand implements fc.Command<Model, Real> {
  constructor(readonly key: number | undefined) {}
  check = () => true;
  run(m: Model, r: Real) {
    const index = m.entries.findIndex((e) => e.key === this.key);
    const got = r.map.get(this.key);
    if (index === -1) expect(got).toBeUndefined();
    else if (!live(m, m.entries[index]!)) {
      expect(got).toBeUndefined();
      remove(m, index, 'expire');
    } else {
      const [e] = m.entries.splice(index, 1);
      m.entries.push(e!);
      expect(got).toBe(e!.value);
    }
    expectSame(m, r);
  }
  toString = () => `get(${this.key})`;
}

class HasPeekCommand implements fc.Command<Model, Real> {
  constructor(readonly key: number | undefined) {}
  check = () => true;
  run(m: Model, r: Real) {
    const e = m.entries.find((x) => x.key === this.key);
    const isLive = e !== undefined && live(m, e);
    expect(r.map.has(this.key)).toBe(isLive);
    expect(r.map.peek(this.key)).toBe(isLive ? e.value : undefined);
    expectSame(m, r);
  }
  toString = () => `has+peek(${this.key})`;
}

class DeleteCommand implements fc.Command<Model, Real> {
  constructor(readonly key: number | undefined) {}
  check = () => true;
  run(m: Model, r: Real) {
    const index = m.entries.findIndex((e) => e.key === this.key);
    const deleted = r.map.delete(this.key);
    if (index === -1) expect(deleted).toBe(false);
    else if (!live(m, m.entries[index]!)) {
      expect(deleted).toBe(false);
      remove(m, index, 'expire');
    } else {
      expect(deleted).toBe(true);
      remove(m, index, 'delete');
    }
    expectSame(m, r);
  }
  toString = () => `delete(${this.key})`;
}

class ClearCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    r.map.clear();
    // Cleared entries are reported in the Map's own order.
    m.entries.sort((a, b) => a.order - b.order);
    while (m.entries.length > 0) remove(m, 0, 'clear');
    expectSame(m, r);
  }
  toString = () => 'clear()';
}

class CompactCommand implements fc.Command<Model, Real> {
  constructor(readonly fraction: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    const evicted = r.map.compact(this.fraction);
    purge(m);
    const count = Math.ceil(m.entries.length * this.fraction);
    for (let i = 0; i < count; i++) remove(m, 0, 'compact');
    expect(evicted).toBe(count);
    expectSame(m, r);
  }
  toString = () => `compact(${this.fraction})`;
}

class IterateCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    // Iteration is the Map's own (insertion order); expired entries are removed before it starts.
    const iterator = r.map.entries();
    purge(m);
    const expected = [...liveEntries(m)].sort((a, b) => a.order - b.order).map((e) => [e.key, e.value]);
    expect([...iterator]).toEqual(expected);
    expect([...r.map.keys()]).toEqual(expected.map(([k]) => k));
    expect([...r.map.values()]).toEqual(expected.map(([, v]) => v));
    const seen: unknown[] = [];
    r.map.forEach((v, k) => {
      seen.push([k, v]);
    });
    expect(seen).toEqual(expected);
    expectSame(m, r);
  }
  toString = () => 'iterate';
}

class SizeCommand implements fc.Command<Model, Real> {
  check = () => true;
  run(m: Model, r: Real) {
    const size = r.map.size;
    purge(m);
    expect(size).toBe(m.entries.length);
    if (m.maxBytes !== 0) expect(r.map.stats().bytes).toBe(bytes(m));
    expectSame(m, r);
  }
  toString = () => 'size';
}

class AdvanceCommand implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  run(m: Model, r: Real) {
    m.now += this.ms;
    r.clock.time += this.ms;
  }
  toString = () => `advance(${this.ms})`;
}

// `undefined` is a key like any other (lru-cache's own key iterators skip it).
const key = fc.oneof(fc.integer({ min: 0, max: 7 }), fc.constant(undefined));
const commands = (withBytes: boolean) => [
  fc
    .tuple(
      key,
      fc.option(fc.integer({ min: 0, max: withBytes ? 12 : 3 }), { nil: undefined }),
      fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined, freq: 2 }),
    )
    .map(([k, v, ttl]) => new SetCommand(k, v, ttl)),
  key.map((k) => new GetCommand(k)),
  key.map((k) => new HasPeekCommand(k)),
  key.map((k) => new DeleteCommand(k)),
  fc.constant(new ClearCommand()),
  fc.constantFrom(0, 0.25, 0.5, 1).map((f) => new CompactCommand(f)),
  fc.constant(new IterateCommand()),
  fc.constant(new SizeCommand()),
  fc.integer({ min: 1, max: 20 }).map((ms) => new AdvanceCommand(ms)),
];

function run(config: { max?: number; maxBytes?: number; ttl?: number }, withBytes: boolean) {
  fc.assert(
    fc.property(fc.commands(commands(withBytes), { maxCommands: 60 }), (cmds) => {
      const clock = { time: 1000, now: () => clock.time };
      const events: Event[] = [];
      const setup = () => ({
        model: {
          entries: [],
          inserted: 0,
          now: 1000,
          events: [],
          max: config.max ?? 0,
          maxBytes: config.maxBytes ?? 0,
          ttl: config.ttl ?? Number.POSITIVE_INFINITY,
        } satisfies Model,
        real: {
          map: new BoundedMap<number | undefined, number | undefined>({
            ...config,
            clock,
            policy: 'lru',
            sweepIntervalMs: false,
            ...(withBytes ? { sizeOf } : {}),
            onEvict: (value, k, reason) => events.push([k, value, reason]),
          }),
          clock,
          events,
        } satisfies Real,
      });
      fc.modelRun(setup, cmds);
    }),
    { numRuns: 300 },
  );
}

describe("BoundedMap({ policy: 'lru' }) against a reference model (fc.commands, fake clock)", () => {
  it('with max', () => run({ max: 4 }, false));
  it('with max and a default ttl', () => run({ max: 4, ttl: 15 }, false));
  it('with maxBytes', () => run({ maxBytes: 20 }, true));
  it('with max, maxBytes and a default ttl', () => run({ max: 3, maxBytes: 16, ttl: 10 }, true));
});
