// The facade against generic-pool 3.9 itself: each scenario runs on both and must give
// the same results. Scenarios where generic-pool hangs or leaks run on the facade only.
import * as facade from '@leakproof/pool/generic-pool';
import * as genericPool from 'generic-pool';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface Res {
  id: number;
}
type Factory = facade.Factory<Res>;
type Opts = facade.Options;
interface AnyPool {
  acquire(priority?: number): Promise<Res>;
  release(r: Res): Promise<void>;
  destroy(r: Res): Promise<void>;
  use<U>(fn: (r: Res) => U | Promise<U>, priority?: number): Promise<U>;
  drain(): Promise<void>;
  clear(): Promise<void>;
  ready(): Promise<void>;
  start(): void;
  isBorrowedResource(r: Res): boolean;
  on(event: string, fn: (error: unknown) => void): unknown;
  readonly size: number;
  readonly available: number;
  readonly borrowed: number;
  readonly pending: number;
  readonly max: number;
  readonly min: number;
  readonly spareResourceCapacity: number;
}

const implementations: Array<[string, (f: Factory, o?: Opts) => AnyPool]> = [
  [
    'generic-pool 3.9',
    (f, o) =>
      genericPool.createPool(f as genericPool.Factory<Res>, o as genericPool.Options) as unknown as AnyPool,
  ],
  ['@leakproof/pool/generic-pool', (f, o) => facade.createPool(f, o) as unknown as AnyPool],
];

function counting(validate?: (r: Res) => boolean) {
  let next = 1;
  const calls = { create: 0, destroy: 0, destroyed: [] as number[] };
  const factory: Factory = {
    create: async () => {
      calls.create++;
      return { id: next++ };
    },
    destroy: async (r) => {
      calls.destroy++;
      calls.destroyed.push(r.id);
    },
    ...(validate === undefined ? {} : { validate: async (r: Res) => validate(r) }),
  };
  return { factory, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const getters = (p: AnyPool) => ({
  size: p.size,
  available: p.available,
  borrowed: p.borrowed,
  pending: p.pending,
  spare: p.spareResourceCapacity,
  max: p.max,
  min: p.min,
});

async function shutdown(p: AnyPool): Promise<void> {
  await p.drain();
  await p.clear();
}

describe.each(implementations)('%s', (_name, createPool) => {
  it('acquire/release and the getters', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 2 });
    const seen = [getters(pool)];
    const a = await pool.acquire();
    const b = await pool.acquire();
    const waiting = pool.acquire();
    await tick();
    seen.push(getters(pool));
    await pool.release(a);
    const c = await waiting;
    seen.push(getters(pool));
    expect(c).toBe(a);
    expect(pool.isBorrowedResource(b)).toBe(true);
    await pool.release(b);
    await pool.release(c);
    expect(pool.isBorrowedResource(b)).toBe(false);
    seen.push(getters(pool));
    expect(seen).toEqual([
      { size: 0, available: 0, borrowed: 0, pending: 0, spare: 2, max: 2, min: 0 },
      { size: 2, available: 0, borrowed: 2, pending: 1, spare: 0, max: 2, min: 0 },
      { size: 2, available: 0, borrowed: 2, pending: 0, spare: 0, max: 2, min: 0 },
      { size: 2, available: 2, borrowed: 0, pending: 0, spare: 0, max: 2, min: 0 },
    ]);
    expect(calls.create).toBe(2);
    await shutdown(pool);
    expect(calls.destroy).toBe(2);
  });

  it.each<[string, Record<string, unknown>]>([
    ['malformed', { min: 'asf', max: [] }],
    ['min above max', { min: 5, max: 3 }],
    ['strings', { min: '2', max: '7' }],
    ['fractions', { min: 1.7, max: 2.9 }],
    ['zero and null', { min: null, max: 0 }],
    ['negative max', { max: -4 }],
    ['far too large min', { min: 1e9, max: 4 }],
  ])('reads max and min as generic-pool does: %s', async (_label, opts) => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const { factory } = counting();
    const pool = createPool(factory, { ...opts, autostart: false } as Opts);
    const reference = genericPool.createPool(
      factory as genericPool.Factory<Res>,
      {
        ...opts,
        autostart: false,
      } as genericPool.Options,
    );
    expect({ max: pool.max, min: pool.min }).toEqual({ max: reference.max, min: reference.min });
    vi.restoreAllMocks();
    await shutdown(pool);
    await reference.drain();
    await reference.clear();
  });

  it.each([true, false])('fifo: %s decides which idle resource comes next', async (fifo) => {
    const { factory } = counting();
    const pool = createPool(factory, { max: 2, fifo });
    const a = await pool.acquire();
    const b = await pool.acquire();
    await pool.release(a);
    await pool.release(b);
    const next = await pool.acquire();
    expect(next).toBe(fifo ? a : b);
    await pool.release(next);
    await shutdown(pool);
  });

  it('use() resolves the value and releases; a rejection destroys the resource', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 1 });
    expect(await pool.use(async (r) => r.id * 100)).toBe(100);
    expect(pool.available).toBe(1);
    await expect(pool.use(async () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
    await tick();
    expect(calls.destroyed).toEqual([1]);
    expect(await pool.use(async (r) => r.id)).toBe(2);
    await shutdown(pool);
  });

  it('release() and destroy() of a resource not on loan reject', async () => {
    const { factory } = counting();
    const pool = createPool(factory, { max: 1 });
    await expect(pool.release({ id: 99 })).rejects.toThrow('Resource not currently part of this pool');
    await expect(pool.destroy({ id: 99 })).rejects.toThrow('Resource not currently part of this pool');
    const r = await pool.acquire();
    await pool.release(r);
    await expect(pool.release(r)).rejects.toThrow('Resource not currently part of this pool');
    await shutdown(pool);
  });

  it('destroy() removes the resource and the next acquire gets a new one', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 1 });
    const r = await pool.acquire();
    await pool.destroy(r);
    const next = await pool.acquire();
    expect(next.id).toBe(2);
    expect(calls.destroyed).toEqual([1]);
    await pool.release(next);
    await shutdown(pool);
  });

  it('maxWaitingClients rejects acquires beyond the queue', async () => {
    const { factory } = counting();
    const pool = createPool(factory, { max: 1, maxWaitingClients: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    await expect(pool.acquire()).rejects.toBeInstanceOf(Error);
    await pool.release(held);
    await pool.release(await waiting);
    await shutdown(pool);
  });

  it('acquireTimeoutMillis rejects with a TimeoutError', async () => {
    const { factory } = counting();
    const pool = createPool(factory, { max: 1, acquireTimeoutMillis: 20 });
    const held = await pool.acquire();
    const error = await pool.acquire().catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
    expect(pool.pending).toBe(0);
    await pool.release(held);
    await shutdown(pool);
  });

  it('serves lower priority numbers first', async () => {
    const { factory } = counting();
    const pool = createPool(factory, { max: 1, priorityRange: 3 });
    const held = await pool.acquire();
    const order: string[] = [];
    const all = (
      [
        ['low', 2],
        ['mid', 1],
        ['high', 0],
        ['out of range', 7],
      ] as const
    ).map(([label, priority]) =>
      pool.acquire(priority).then(async (r) => {
        order.push(label);
        await pool.release(r);
      }),
    );
    await pool.release(held);
    await Promise.all(all);
    expect(order).toEqual(['high', 'mid', 'low', 'out of range']);
    await shutdown(pool);
  });

  it('drain() waits for borrowed resources and refuses new acquires; clear() destroys the idle ones', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 2 });
    const a = await pool.acquire();
    const b = await pool.acquire();
    await pool.release(b);
    let drained = false;
    const draining = pool.drain().then(() => {
      drained = true;
    });
    await tick();
    expect(drained).toBe(false);
    await expect(pool.acquire()).rejects.toThrow('pool is draining and cannot accept work');
    await pool.release(a);
    await draining;
    expect(calls.destroy).toBe(0);
    await pool.clear();
    expect(calls.destroy).toBe(2);
    expect(pool.size).toBe(0);
  });

  it('testOnBorrow destroys a resource that fails validation and lends another', async () => {
    const bad = new Set<number>();
    const { factory, calls } = counting((r) => !bad.has(r.id));
    const pool = createPool(factory, { max: 1, testOnBorrow: true });
    const first = await pool.acquire();
    await pool.release(first);
    bad.add(first.id);
    const second = await pool.acquire();
    expect(second.id).toBe(2);
    expect(calls.destroyed).toEqual([1]);
    await pool.release(second);
    await shutdown(pool);
  });

  it('min with autostart creates resources; ready() resolves', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 4, min: 2 });
    await pool.ready();
    expect(calls.create).toBe(2);
    expect(pool.available).toBe(2);
    await shutdown(pool);
  });

  it('autostart: false creates nothing until start()', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 4, min: 1, autostart: false });
    await tick();
    expect(calls.create).toBe(0);
    pool.start();
    await tick();
    expect(calls.create).toBe(1);
    await shutdown(pool);
  });

  it('evicts idle resources when evictionRunIntervalMillis is set', async () => {
    const { factory, calls } = counting();
    const pool = createPool(factory, { max: 2, evictionRunIntervalMillis: 10, idleTimeoutMillis: 20 });
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()]);
    await pool.release(a!);
    await pool.release(b!);
    await vi.waitFor(() => expect(calls.destroy).toBe(2), { timeout: 2000, interval: 10 });
    expect(pool.available).toBe(0);
    await shutdown(pool);
  });

  it('emits factoryDestroyError when destroy rejects', async () => {
    let next = 1;
    const pool = createPool(
      {
        create: async () => ({ id: next++ }),
        destroy: async () => Promise.reject(new Error('cannot close')),
      },
      { max: 1 },
    );
    const errors: unknown[] = [];
    pool.on('factoryDestroyError', (e) => errors.push(e));
    await pool.destroy(await pool.acquire());
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect((errors[0] as Error).message).toBe('cannot close');
    await shutdown(pool);
  });
});

describe('@leakproof/pool/generic-pool where generic-pool hangs or leaks', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a failing create: factoryCreateError with backoff, and the acquire rejects by its timeout', async () => {
    vi.useFakeTimers();
    let creates = 0;
    const pool = facade.createPool<Res>(
      {
        create: async () => {
          creates++;
          throw new Error('database down');
        },
        destroy: async () => {},
      },
      { max: 2, acquireTimeoutMillis: 1000 },
    );
    const errors: unknown[] = [];
    pool.on('factoryCreateError', (e) => errors.push(e));
    const acquired = pool.acquire().catch((e: Error) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const error = await acquired;
    expect(error).toMatchObject({ code: 'ERR_POOL_TIMEOUT' });
    expect(((error as Error).cause as Error).message).toBe('database down');
    expect(creates).toBeLessThan(10);
    expect(errors).toHaveLength(creates);
    await pool.drain();
    await pool.clear();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ready() rejects when create fails instead of polling forever', async () => {
    const pool = facade.createPool<Res>(
      { create: () => Promise.reject(new Error('no')), destroy: async () => {} },
      { max: 2, min: 1 },
    );
    pool.on('factoryCreateError', () => {});
    await expect(pool.ready()).rejects.toThrow('no');
    await pool.drain();
    await pool.clear();
  });

  it('use() with a sync fn releases (generic-pool throws and keeps the resource on loan)', async () => {
    let next = 1;
    const pool = facade.createPool<Res>(
      { create: async () => ({ id: next++ }), destroy: async () => {} },
      { max: 1 },
    );
    expect(await pool.use((r) => r.id)).toBe(1);
    await expect(
      pool.use(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(pool.borrowed).toBe(0);
    await pool.drain();
    await pool.clear();
  });

  it('a hung destroy is bounded by destroyTimeoutMillis', async () => {
    let next = 1;
    const pool = facade.createPool<Res>(
      { create: async () => ({ id: next++ }), destroy: () => new Promise(() => {}) },
      { max: 1, destroyTimeoutMillis: 20 },
    );
    const errors: unknown[] = [];
    pool.on('factoryDestroyError', (e) => errors.push(e));
    await pool.destroy(await pool.acquire());
    const second = await pool.acquire();
    expect(second.id).toBe(2);
    expect(errors).toHaveLength(1);
    await pool.release(second);
    await pool.drain();
    await pool.clear();
  });

  it("missing create or destroy still throws, with generic-pool's messages", () => {
    const f = { create: async () => ({ id: 1 }), destroy: async () => {} };
    expect(() => facade.createPool({ create: f.create } as never)).toThrow(
      expect.objectContaining({
        message: 'factory.destroy must be a function',
        code: 'ERR_INVALID_ARG_TYPE',
      }),
    );
    expect(() => facade.createPool({ destroy: f.destroy } as never)).toThrow(
      'factory.create must be a function',
    );
    expect(() => facade.createPool({ ...f, validate: 5 } as never)).toThrow(
      'factory.validate must be a function',
    );
    expect(() => facade.createPool(f, { testOnBorrow: true, autostart: false })).not.toThrow();
  });
});

describe("@leakproof/pool/generic-pool coerces options as generic-pool's PoolOptions does", () => {
  const f = { create: async () => ({ id: 1 }), destroy: async () => {} };
  let warnings: Array<{ message: string; code: string | undefined }> = [];
  beforeEach(() => {
    warnings = [];
    // Synchronous, so each test sees only its own warnings.
    vi.spyOn(process, 'emitWarning').mockImplementation(((message: string, options?: { code?: string }) => {
      warnings.push({ message, code: options?.code });
    }) as never);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });
  const flushWarnings = () => Promise.resolve();

  it.each<[string, facade.Options, { max: number; min: number }]>([
    ['max from an environment string', { max: '7' as never }, { max: 7, min: 0 }],
    ['a fractional max', { max: 2.9 }, { max: 2, min: 0 }],
    ['max 0', { max: 0 }, { max: 1, min: 0 }],
    ['a negative max', { max: -4 }, { max: 1, min: 0 }],
    ['min above max', { min: 5, max: 3 }, { max: 3, min: 3 }],
    ['a negative min', { min: -2, max: 3 }, { max: 3, min: 0 }],
    ['null max and min', { min: null, max: null } as never, { max: 1, min: 0 }],
  ])('%s', async (_label, opts, expected) => {
    const pool = facade.createPool(f, opts);
    expect({ max: pool.max, min: pool.min }).toEqual(expected);
    await pool.drain();
    await pool.clear();
  });

  it('one warning per coerced or replaced option, naming the value given and the value used', async () => {
    const pool = facade.createPool(f, {
      max: '4' as never,
      min: 9,
      fifo: 'yes' as never,
      acquireTimeoutMillis: 0,
      maxWaitingClients: null as never,
      priorityRange: 0,
    });
    await flushWarnings();
    const ours = warnings.filter((w) => w.code === 'LEAKPROOF_GENERIC_POOL_OPTION');
    expect(ours.map((w) => w.message.match(/`opts\.(\w+)`/)?.[1]).sort()).toEqual(
      ['acquireTimeoutMillis', 'fifo', 'max', 'maxWaitingClients', 'min', 'priorityRange'].sort(),
    );
    const about = (name: string) => ours.find((w) => w.message.includes(`\`opts.${name}\``))!.message;
    expect(about('max')).toMatch(/got `"4"` \(string\), using 4 /);
    expect(about('min')).toMatch(/got `9` \(number\), using 4 /);
    expect(about('acquireTimeoutMillis')).toMatch(/got `0` \(number\), using 30000 /);
    expect(about('maxWaitingClients')).toMatch(/got `null`, using 1000 /);
    await pool.drain();
    await pool.clear();
  });

  it('no warning for options given as generic-pool documents them', async () => {
    const pool = facade.createPool(f, {
      max: 4,
      min: 1,
      fifo: false,
      acquireTimeoutMillis: 100,
      maxWaitingClients: 10,
      evictionRunIntervalMillis: 1000,
      idleTimeoutMillis: 5000,
      softIdleTimeoutMillis: 1000,
    });
    await flushWarnings();
    expect(warnings.filter((w) => w.code === 'LEAKPROOF_GENERIC_POOL_OPTION')).toEqual([]);
    await pool.drain();
    await pool.clear();
  });

  it('acquireTimeoutMillis: 0 means the bounded default, not a timeout of 0', async () => {
    const pool = facade.createPool(f, { max: 1, acquireTimeoutMillis: 0 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    setTimeout(() => void pool.release(held), 20);
    expect(await waiting).toBe(held);
    await pool.release(held);
    await pool.drain();
    await pool.clear();
  });

  it("errors carry generic-pool's messages and leakproof's codes, timeoutMs and cause", async () => {
    vi.useFakeTimers();
    const pool = facade.createPool<Res>(
      { create: () => Promise.reject(new Error('database down')), destroy: async () => {} },
      { max: 1, acquireTimeoutMillis: 500, maxWaitingClients: 0 },
    );
    pool.on('factoryCreateError', () => {});
    const timedOut = pool.acquire().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    const error = (await timedOut) as Error & { code: string; timeoutMs: number };
    expect(error).toMatchObject({
      name: 'TimeoutError',
      message: 'ResourceRequest timed out',
      code: 'ERR_POOL_TIMEOUT',
      timeoutMs: 500,
    });
    expect((error.cause as Error).message).toBe('database down');
    await pool.drain();
    await pool.clear();
    await expect(pool.acquire()).rejects.toMatchObject({
      message: 'pool is draining and cannot accept work',
      code: 'ERR_POOL_CLOSED',
    });
  });

  it("a full queue rejects with 'max waitingClients count exceeded' and ERR_POOL_BUSY", async () => {
    const pool = facade.createPool(f, { max: 1, maxWaitingClients: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    await expect(pool.acquire()).rejects.toMatchObject({
      message: 'max waitingClients count exceeded',
      code: 'ERR_POOL_BUSY',
    });
    await pool.release(held);
    await pool.release(await waiting);
    await pool.drain();
    await pool.clear();
  });

  it('idleTimeoutMillis is the hard timeout: resources below min are recycled, then min is refilled', async () => {
    let next = 0;
    const destroyed: number[] = [];
    const pool = facade.createPool<Res>(
      { create: async () => ({ id: next++ }), destroy: async (r) => void destroyed.push(r.id) },
      { min: 2, max: 2, idleTimeoutMillis: 50, evictionRunIntervalMillis: 10 },
    );
    await vi.waitFor(() => expect(destroyed).toEqual(expect.arrayContaining([0, 1])), { timeout: 5000 });
    await vi.waitFor(() => expect(pool.available).toBe(2), { timeout: 5000 });
    await pool.drain();
    await pool.clear();
  });

  it('softIdleTimeoutMillis keeps min', async () => {
    vi.useFakeTimers();
    let next = 0;
    const pool = facade.createPool<Res>(
      { create: async () => ({ id: next++ }), destroy: async () => {} },
      { min: 1, max: 3, softIdleTimeoutMillis: 100, evictionRunIntervalMillis: 10 },
    );
    const all = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const r of all) await pool.release(r);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(pool.size).toBe(1);
    await pool.drain();
    await pool.clear();
  });
});

describe('@leakproof/pool/generic-pool: a listener that throws changes nothing', () => {
  it("a throwing 'factoryCreateError' listener: ready() still settles, nothing unhandled, the acquire still recovers", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => {
      if (w.code === 'LEAKPROOF_LISTENER_ERROR') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      let attempts = 0;
      const pool = facade.createPool<Res>(
        {
          create: async () => {
            attempts++;
            if (attempts === 1) throw new Error('first create fails');
            return { id: attempts };
          },
          destroy: async () => {},
        },
        { max: 1, min: 1 },
      );
      pool.on('factoryCreateError', () => {
        throw new Error('listener bug');
      });
      await expect(pool.ready()).rejects.toThrow('first create fails');
      const r = await pool.acquire();
      expect(r.id).toBe(2);
      await pool.release(r);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(warnings).toHaveLength(1);
      await pool.drain();
      await pool.clear();
    } finally {
      process.off('unhandledRejection', onUnhandled);
      process.off('warning', onWarning);
    }
  });
});
