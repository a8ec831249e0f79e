import { BoundedSet, memoize } from '@leakproof/cache';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// BoundedSet({ policy: 'lru' }) against a plain array in recency order (least recent first)
// with expiry times and insertion order (iteration follows it, as a Set's does), under a fake
// clock; memoize against an LRU list of keys.

interface SetModel {
  members: Array<{ value: number; expiresAt: number; order: number }>;
  inserted: number;
  now: number;
  readonly max: number;
  readonly ttl: number;
}
interface SetReal {
  set: BoundedSet<number>;
  clock: { time: number };
}

const live = (m: SetModel) => m.members.filter((e) => m.now <= e.expiresAt);

class Add implements fc.Command<SetModel, SetReal> {
  constructor(readonly value: number) {}
  check = () => true;
  run(m: SetModel, r: SetReal) {
    expect(r.set.add(this.value)).toBe(r.set);
    const i = m.members.findIndex((e) => e.value === this.value);
    let order = m.inserted;
    if (i !== -1) order = m.members.splice(i, 1)[0]!.order;
    else {
      m.inserted++;
      if (m.members.length === m.max) m.members.shift();
    }
    m.members.push({ value: this.value, expiresAt: m.now + m.ttl, order });
  }
  toString = () => `add(${this.value})`;
}
class Has implements fc.Command<SetModel, SetReal> {
  constructor(readonly value: number) {}
  check = () => true;
  run(m: SetModel, r: SetReal) {
    expect(r.set.has(this.value)).toBe(live(m).some((e) => e.value === this.value));
  }
  toString = () => `has(${this.value})`;
}
class Delete implements fc.Command<SetModel, SetReal> {
  constructor(readonly value: number) {}
  check = () => true;
  run(m: SetModel, r: SetReal) {
    const i = m.members.findIndex((e) => e.value === this.value);
    const isLive = i !== -1 && m.now <= m.members[i]!.expiresAt;
    expect(r.set.delete(this.value)).toBe(isLive);
    if (i !== -1) m.members.splice(i, 1);
  }
  toString = () => `delete(${this.value})`;
}
class Snapshot implements fc.Command<SetModel, SetReal> {
  check = () => true;
  run(m: SetModel, r: SetReal) {
    const expected = [...live(m)].sort((a, b) => a.order - b.order).map((e) => e.value);
    expect([...r.set]).toEqual(expected);
    expect(r.set.size).toBe(expected.length);
    m.members = live(m); // size purged the expired ones
  }
  toString = () => 'snapshot';
}
class Advance implements fc.Command<SetModel, SetReal> {
  constructor(readonly ms: number) {}
  check = () => true;
  run(m: SetModel, r: SetReal) {
    m.now += this.ms;
    r.clock.time += this.ms;
  }
  toString = () => `advance(${this.ms})`;
}

describe('BoundedSet against a reference model (fc.commands, fake clock)', () => {
  it('add / has / delete / iteration / size with max and ttl', () => {
    const value = fc.integer({ min: 0, max: 6 });
    fc.assert(
      fc.property(
        fc.commands(
          [
            value.map((v) => new Add(v)),
            value.map((v) => new Has(v)),
            value.map((v) => new Delete(v)),
            fc.constant(new Snapshot()),
            fc.integer({ min: 1, max: 15 }).map((ms) => new Advance(ms)),
          ],
          { maxCommands: 50 },
        ),
        (cmds) => {
          const clock = { time: 500, now: () => clock.time };
          fc.modelRun(
            () => ({
              model: { members: [], inserted: 0, now: 500, max: 3, ttl: 20 } satisfies SetModel,
              real: {
                set: new BoundedSet<number>({
                  max: 3,
                  ttl: 20,
                  clock,
                  policy: 'lru',
                  sweepIntervalMs: false,
                }),
                clock,
              },
            }),
            cmds,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('memoize against a reference model', () => {
  it('returns what fn returns and calls fn exactly when the key is not in an LRU of size max', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 60 }),
        (max, calls) => {
          let fnCalls = 0;
          const f = memoize(
            (n: number) => {
              fnCalls++;
              return { n, square: n * n };
            },
            { max, policy: 'lru' },
          );
          const lru: number[] = [];
          let expectedCalls = 0;
          for (const n of calls) {
            const i = lru.indexOf(n);
            if (i === -1) {
              expectedCalls++;
              if (lru.length === max) lru.shift();
            } else lru.splice(i, 1);
            lru.push(n);
            expect(f(n)).toEqual({ n, square: n * n });
            expect(fnCalls).toBe(expectedCalls);
          }
          expect([...f.cache.keys()].sort()).toEqual([...lru].sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});
