// Model-based test: random acquires (with timeouts, aborts, priorities), releases, destroys,
// clock advances and factory faults, with the pool's invariants checked after every step:
// size <= max, the books add up, borrowed matches the leases held, pending matches the
// acquires not yet settled, no resource is lent twice; and at the end every acquire settles
// and close() leaves no timer.
import { createPool, type Lease, type Pool } from '@leakproof/pool';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ControlledFactory,
  checkBooks,
  controlledFactory,
  type Mode,
  type Resource,
  track,
} from './helpers.js';

interface Real {
  pool: Pool<Resource>;
  c: ControlledFactory;
  held: Lease<Resource>[];
  acquires: Array<{ settled: boolean; controller: AbortController | undefined }>;
}
type Model = Record<string, never>;
type Cmd = fc.AsyncCommand<Model, Real>;

async function step(r: Real): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
  const s = r.pool.stats();
  checkBooks(s);
  if (s.borrowed !== r.held.length)
    throw new Error(`borrowed ${s.borrowed} but ${r.held.length} leases held`);
  const unsettled = r.acquires.filter((a) => !a.settled).length;
  if (s.pending !== unsettled) throw new Error(`pending ${s.pending} but ${unsettled} acquires unsettled`);
  const ids = new Set(r.held.map((l) => l.resource.id));
  if (ids.size !== r.held.length) throw new Error('a resource is lent to two leases at once');
}

class Acquire implements Cmd {
  constructor(
    readonly timeoutMs: number | undefined,
    readonly abortable: boolean,
    readonly priority: number,
  ) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    const controller = this.abortable ? new AbortController() : undefined;
    const t = track(
      r.pool.acquire({
        ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }),
        ...(controller === undefined ? {} : { signal: controller.signal }),
        priority: this.priority,
      }),
    );
    const entry = { settled: false, controller };
    r.acquires.push(entry);
    t.promise.then(
      (lease) => {
        entry.settled = true;
        r.held.push(lease);
      },
      () => {
        entry.settled = true;
      },
    );
    await step(r);
  }
  toString = () => `acquire(${this.timeoutMs}, ${this.abortable}, p${this.priority})`;
}

class End implements Cmd {
  constructor(
    readonly index: number,
    readonly destroy: boolean,
  ) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    if (r.held.length > 0) {
      const [lease] = r.held.splice(this.index % r.held.length, 1);
      if (this.destroy) void lease!.destroy();
      else lease!.release();
    }
    await step(r);
  }
  toString = () => `${this.destroy ? 'destroy' : 'release'}(${this.index})`;
}

class Abort implements Cmd {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    const abortable = r.acquires.filter((a) => !a.settled && a.controller !== undefined);
    if (abortable.length > 0) abortable[this.index % abortable.length]!.controller!.abort();
    await step(r);
  }
  toString = () => `abort(${this.index})`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    await vi.advanceTimersByTimeAsync(this.ms);
    await step(r);
  }
  toString = () => `advance(${this.ms})`;
}

class Faults implements Cmd {
  constructor(
    readonly create: Mode,
    readonly destroy: Mode,
    readonly validate: Mode | 'false',
    readonly settleHung: boolean,
  ) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    r.c.createMode = this.create;
    r.c.destroyMode = this.destroy;
    r.c.validateMode = this.validate;
    if (this.settleHung) {
      r.c.resolveHungCreates();
      r.c.resolveHungDestroys();
    }
    await step(r);
  }
  toString = () =>
    `faults(create ${this.create}, destroy ${this.destroy}, validate ${this.validate}, settle ${this.settleHung})`;
}

class Clear implements Cmd {
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    void r.pool.clear();
    await step(r);
  }
  toString = () => 'clear()';
}

class Use implements Cmd {
  constructor(readonly fails: boolean) {}
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    const entry = { settled: false, controller: undefined };
    r.acquires.push(entry);
    // use() holds its lease only inside fn, which settles at once: it never adds to `held`.
    r.pool
      .use(
        (resource) => {
          if (this.fails) throw new Error(`fn failed on ${resource.id}`);
          return resource.id;
        },
        { destroyOnError: true },
      )
      .then(
        () => {
          entry.settled = true;
        },
        () => {
          entry.settled = true;
        },
      );
    await step(r);
  }
  toString = () => `use(${this.fails ? 'throws' : 'ok'})`;
}

const mode = fc.constantFrom<Mode>('ok', 'ok', 'ok', 'throw', 'reject', 'hang');
const commands = [
  fc
    .tuple(
      fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
      fc.boolean(),
      fc.integer({ min: 0, max: 1 }),
    )
    .map(([t, a, p]) => new Acquire(t, a, p)),
  fc.tuple(fc.nat(), fc.boolean()).map(([i, d]) => new End(i, d)),
  fc.nat().map((i) => new Abort(i)),
  fc.constant(new Clear()),
  fc.boolean().map((fails) => new Use(fails)),
  fc.integer({ min: 1, max: 400 }).map((ms) => new Advance(ms)),
  fc
    .tuple(
      mode,
      mode,
      fc.constantFrom<Mode | 'false'>('ok', 'ok', 'false', 'throw', 'reject', 'hang'),
      fc.boolean(),
    )
    .map(([c, d, v, s]) => new Faults(c, d, v, s)),
];

const config = fc.record({
  max: fc.integer({ min: 1, max: 4 }),
  min: fc.integer({ min: 0, max: 2 }),
  maxWaiting: fc.integer({ min: 0, max: 6 }),
  order: fc.constantFrom<'fifo' | 'lifo'>('fifo', 'lifo'),
  withValidate: fc.boolean(),
  validateOnReturn: fc.boolean(),
  maxUses: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
});

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('pool model', () => {
  it('keeps its invariants under random operations and faults', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.commands(commands, { maxCommands: 40 }), async (cfg, cmds) => {
        vi.clearAllTimers();
        const c = controlledFactory(cfg.withValidate);
        const pool = createPool(c.factory, {
          max: cfg.max,
          min: Math.min(cfg.min, cfg.max),
          maxWaiting: cfg.maxWaiting,
          order: cfg.order,
          priorityRange: 2,
          acquireTimeoutMs: 500,
          createTimeoutMs: 100,
          destroyTimeoutMs: 100,
          validateTimeoutMs: 100,
          idleTimeoutMs: 300,
          maxLifetimeMs: 2000,
          validateOnReturn: cfg.withValidate && cfg.validateOnReturn,
          createRetry: { minDelayMs: 10, maxDelayMs: 80 },
          ...(cfg.maxUses === undefined ? {} : { maxUses: cfg.maxUses }),
        });
        const real: Real = { pool, c, held: [], acquires: [] };
        await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
        // Every acquire settles: by its timeout at the latest.
        await vi.advanceTimersByTimeAsync(600);
        expect(real.acquires.filter((a) => !a.settled)).toHaveLength(0);
        // No timer spins: over 3 s, a handful of idle checks and create retries, not one per ms.
        const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
        await vi.advanceTimersByTimeAsync(3000);
        const armed = setTimeoutSpy.mock.calls.length;
        setTimeoutSpy.mockRestore();
        expect(armed).toBeLessThanOrEqual(200);
        const closed = track(pool.close({ timeoutMs: 50 }));
        await vi.advanceTimersByTimeAsync(200);
        expect(closed.settled).toBe(true);
        expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0, pending: 0 });
        expect(vi.getTimerCount()).toBe(0);
        c.destroyMode = 'ok';
        c.resolveHungCreates();
        c.resolveHungDestroys();
        await vi.advanceTimersByTimeAsync(0);
        expect(c.alive).toBe(0);
        expect(vi.getTimerCount()).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
