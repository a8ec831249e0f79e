// generic-pool 3.9's own test programs (its test/*.js), scenario by scenario, run against the
// facade. Written anew here; the scenarios, configurations and expectations are generic-pool's.
// The ones that read generic-pool's private fields or modules are listed in the README.
import { createPool, type Pool } from '@leakproof/pool/generic-pool';
import { afterEach, describe, expect, it, vi } from 'vitest';

interface Res {
  id: number;
}

/** generic-pool's test ResourceFactory: ids from 0, counts creates and destroys, methods use `this`. */
class ResourceFactory {
  created = 0;
  destroyed = 0;
  readonly bin: Res[] = [];
  create(): Promise<Res> {
    return Promise.resolve({ id: this.created++ });
  }
  validate(): Promise<boolean> {
    return Promise.resolve(true);
  }
  destroy(resource: Res): Promise<void> {
    this.destroyed++;
    this.bin.push(resource);
    return Promise.resolve();
  }
}

function stopPool<T>(pool: Pool<T>): Promise<void> {
  return pool.drain().then(() => pool.clear());
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Advances fake time until `promise` settles (creates that fail back off on timers). */
async function settleWithFakeTime<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  while (!done) await vi.advanceTimersByTimeAsync(50);
  return tracked;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('generic-pool-test.js', () => {
  it('min and max limit defaults', async () => {
    const pool = createPool(new ResourceFactory());
    expect(pool.max).toBe(1);
    expect(pool.min).toBe(0);
    await stopPool(pool);
  });

  it('malformed min and max limits are ignored', async () => {
    const pool = createPool(new ResourceFactory(), { min: 'asf', max: [] } as never);
    expect(pool.max).toBe(1);
    expect(pool.min).toBe(0);
    await stopPool(pool);
  });

  it('min greater than max sets to max', async () => {
    const pool = createPool(new ResourceFactory(), { min: 5, max: 3 });
    expect(pool.max).toBe(3);
    expect(pool.min).toBe(3);
    await stopPool(pool);
  });

  it('supports priority on borrow', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1, priorityRange: 2 });
    let borrowTimeLow = 0;
    let borrowTimeHigh = 0;
    let borrowCount = 0;
    let clock = 0;
    const ops: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      ops.push(
        pool.acquire(1).then((r) => {
          borrowTimeLow = Math.max(borrowTimeLow, ++clock);
          borrowCount++;
          void pool.release(r);
        }),
      );
    }
    for (let i = 0; i < 10; i++) {
      ops.push(
        pool.acquire(0).then((r) => {
          borrowTimeHigh = Math.max(borrowTimeHigh, ++clock);
          borrowCount++;
          void pool.release(r);
        }),
      );
    }
    await Promise.all(ops);
    expect(borrowCount).toBe(20);
    expect(borrowTimeLow >= borrowTimeHigh).toBe(true);
    await stopPool(pool);
  });

  it('evictor removes instances on idletimeout', async () => {
    const factory = new ResourceFactory();
    const pool = createPool(factory, {
      min: 2,
      max: 2,
      idleTimeoutMillis: 50,
      evictionRunIntervalMillis: 10,
    });
    // generic-pool waits 120 ms; here, until the two first resources have been recycled.
    await vi.waitFor(() => expect(factory.destroyed).toBeGreaterThanOrEqual(2), {
      timeout: 5000,
      interval: 10,
    });
    const res = await pool.acquire();
    expect(res.id).toBeGreaterThan(1);
    await pool.release(res);
    await stopPool(pool);
  });

  it('tests drain', async () => {
    const count = 5;
    let acquired = 0;
    const pool = createPool(new ResourceFactory(), { max: 2, idletimeoutMillis: 300000 } as never);
    const ops: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      ops.push(
        pool.acquire().then((client) => {
          acquired += 1;
          expect(typeof client.id).toBe('number');
          setTimeout(() => void pool.release(client), 25);
        }),
      );
    }
    expect(acquired).not.toBe(count);
    await Promise.all(ops);
    await pool.drain();
    expect(acquired).toBe(count);
    void pool.clear();
    await expect(pool.acquire()).rejects.toBeInstanceOf(Error);
  });

  it('handle creation errors (no factoryCreateError listener)', async () => {
    vi.useFakeTimers();
    let created = 0;
    const pool = createPool(
      {
        create: () => {
          created++;
          return created < 5
            ? Promise.reject(new Error('Error occurred.'))
            : Promise.resolve({ id: created });
        },
        destroy: () => {},
      },
      { max: 1 },
    );
    let called = false;
    await settleWithFakeTime(
      pool.acquire().then((client) => {
        expect(typeof client.id).toBe('number');
        called = true;
        void pool.release(client);
      }),
    );
    expect(called).toBe(true);
    expect(pool.pending).toBe(0);
    await stopPool(pool);
  });

  it('handle creation errors for delayed creates (with a factoryCreateError listener)', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const pool = createPool(
      {
        create: () => {
          attempts++;
          return attempts <= 5
            ? Promise.reject(new Error('Error occurred.'))
            : Promise.resolve({ id: attempts });
        },
        destroy: () => Promise.resolve(),
      },
      { max: 1 },
    );
    let errorCount = 0;
    pool.on('factoryCreateError', (err) => {
      expect(err).toBeInstanceOf(Error);
      errorCount++;
    });
    let called = false;
    await settleWithFakeTime(
      pool.acquire().then((client) => {
        expect(typeof client.id).toBe('number');
        called = true;
        void pool.release(client);
      }),
    );
    expect(called).toBe(true);
    expect(errorCount).toBe(5);
    expect(pool.pending).toBe(0);
    await stopPool(pool);
  });

  it('getPoolSize', async () => {
    const pool = createPool(new ResourceFactory(), { max: 2 });
    expect(pool.size).toBe(0);
    const a = await pool.acquire();
    expect(pool.size).toBe(1);
    const b = await pool.acquire();
    expect(pool.size).toBe(2);
    void pool.release(a);
    void pool.release(b);
    const c = await pool.acquire();
    expect(pool.size).toBe(2);
    void pool.release(c);
    await stopPool(pool);
  });

  it('availableObjectsCount', async () => {
    const pool = createPool(new ResourceFactory(), { max: 2 });
    expect(pool.available).toBe(0);
    const a = await pool.acquire();
    expect(pool.available).toBe(0);
    const b = await pool.acquire();
    expect(pool.available).toBe(0);
    void pool.release(a);
    expect(pool.available).toBe(1);
    void pool.release(b);
    expect(pool.available).toBe(2);
    const c = await pool.acquire();
    expect(pool.available).toBe(1);
    void pool.release(c);
    expect(pool.available).toBe(2);
    await stopPool(pool);
  });

  it('do schedule again if error occured when creating new Objects async', async () => {
    vi.useFakeTimers();
    let attempts = 0;
    const pool = createPool(
      {
        create: () => {
          attempts++;
          return attempts < 2 ? Promise.reject(new Error('Create Error')) : Promise.resolve({});
        },
        destroy: () => {},
      },
      { max: 1 },
    );
    const obj = await settleWithFakeTime(pool.acquire());
    expect(pool.available).toBe(0);
    void pool.release(obj);
    await stopPool(pool);
  });

  it('returns only valid object to the pool', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1 });
    const obj = await pool.acquire();
    expect(pool.available).toBe(0);
    expect(pool.borrowed).toBe(1);
    await expect(pool.release({ id: -1 })).rejects.toThrow(/Resource not currently part of this pool/);
    expect(pool.available).toBe(0);
    expect(pool.borrowed).toBe(1);
    void pool.release(obj);
    expect(pool.available).toBe(1);
    expect(pool.borrowed).toBe(0);
    await stopPool(pool);
  });

  it('validate acquires object from the pool', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1 });
    const obj = await pool.acquire();
    expect(pool.available).toBe(0);
    expect(pool.borrowed).toBe(1);
    void pool.release(obj);
    await stopPool(pool);
  });

  it('release to pool should work', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1 });
    const first = pool.acquire().then((obj) => {
      expect(pool.available).toBe(0);
      expect(pool.borrowed).toBe(1);
      expect(pool.pending).toBe(1);
      void pool.release(obj);
    });
    const second = pool.acquire().then((obj) => {
      expect(pool.available).toBe(0);
      expect(pool.borrowed).toBe(1);
      expect(pool.pending).toBe(0);
      void pool.release(obj);
    });
    await Promise.all([first, second]);
    await stopPool(pool);
  });

  it('isBorrowedResource should return true for borrowed resource', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1 });
    const obj = await pool.acquire();
    expect(pool.isBorrowedResource(obj)).toBe(true);
    void pool.release(obj);
    await stopPool(pool);
  });

  it('isBorrowedResource should return false for released resource', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1 });
    const obj = await pool.acquire();
    void pool.release(obj);
    expect(pool.isBorrowedResource(obj)).toBe(false);
    await stopPool(pool);
  });

  it('destroy should redispense', async () => {
    const pool = createPool(new ResourceFactory(), { max: 1 });
    const first = pool.acquire().then((obj) => {
      expect(pool.available).toBe(0);
      expect(pool.borrowed).toBe(1);
      expect(pool.pending).toBe(1);
      void pool.destroy(obj);
    });
    const second = pool.acquire().then((obj) => {
      expect(pool.available).toBe(0);
      expect(pool.borrowed).toBe(1);
      expect(pool.pending).toBe(0);
      void pool.release(obj);
    });
    await Promise.all([first, second]);
    await stopPool(pool);
  });

  it('use method', async () => {
    const pool = createPool(new ResourceFactory());
    await pool.use((resource) => {
      expect(resource.id).toBe(0);
      return Promise.resolve();
    });
  });

  it('use method should resolve after fn promise is resolved', async () => {
    const pool = createPool(new ResourceFactory());
    let doneWithResource = false;
    const value = await pool.use(
      () =>
        new Promise<string>((resolve) =>
          setImmediate(() => {
            doneWithResource = true;
            resolve('value');
          }),
        ),
    );
    expect(doneWithResource).toBe(true);
    expect(value).toBe('value');
  });

  it('evictor should not run when softIdleTimeoutMillis is -1', async () => {
    const factory = new ResourceFactory();
    const pool = createPool(factory, { evictionRunIntervalMillis: 10 });
    await pool.release(await pool.acquire());
    await delay(30);
    expect(factory.destroyed).toBe(0);
    await stopPool(pool);
  });

  it('should respect when maxWaitingClients is set to 0', async () => {
    const pool = createPool(new ResourceFactory(), { max: 2, maxWaitingClients: 0 });
    expect(pool.size).toBe(0);
    await pool.acquire();
    expect(pool.size).toBe(1);
    await pool.acquire();
    expect(pool.size).toBe(2);
    await expect(pool.acquire()).rejects.toThrow('max waitingClients count exceeded');
  });
});

describe('generic-pool-acquiretimeout-test.js', () => {
  it('acquireTimeout handles timed out acquire calls', async () => {
    const factory = {
      create: () => new Promise<object>((resolve) => setTimeout(() => resolve({}), 100)),
      destroy: () => Promise.resolve(),
    };
    const pool = createPool(factory, {
      acquireTimeoutMillis: 20,
      idleTimeoutMillis: 150,
      log: false,
    } as never);
    const err = await pool.acquire().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/ResourceRequest timed out/);
    await pool.drain();
    await pool.clear();
  });

  it('acquireTimeout handles non timed out acquire calls', async () => {
    const myResource = {};
    const factory = {
      create: () => new Promise<object>((resolve) => setTimeout(() => resolve(myResource), 10)),
      destroy: () => Promise.resolve(),
    };
    const pool = createPool(factory, { acquireTimeoutMillis: 400 });
    const resource = await pool.acquire();
    expect(resource).toBe(myResource);
    void pool.release(resource);
    await pool.drain();
    await pool.clear();
  });
});

describe('generic-pool-destroytimeout-test.js', () => {
  it('destroyTimeout handles timed out destroy calls', async () => {
    const factory = {
      create: () => Promise.resolve({}),
      destroy: () => new Promise<void>((resolve) => setTimeout(resolve, 100)),
    };
    const pool = createPool(factory, { destroyTimeoutMillis: 20 });
    const resource = await pool.acquire();
    void pool.destroy(resource);
    const err = await new Promise((resolve) => pool.on('factoryDestroyError', resolve));
    expect(String(err)).toMatch(/destroy timed out/);
    await stopPool(pool);
  });

  it('destroyTimeout handles non timed out destroy calls', async () => {
    const factory = {
      create: () => Promise.resolve({}),
      destroy: () => new Promise<void>((resolve) => setTimeout(resolve, 10)),
    };
    const pool = createPool(factory, { destroyTimeoutMillis: 400 });
    const errors: unknown[] = [];
    pool.on('factoryDestroyError', (e) => errors.push(e));
    const resource = await pool.acquire();
    void pool.destroy(resource);
    await delay(20);
    expect(errors).toEqual([]);
    await stopPool(pool);
  });
});

describe('GH-159-test.js', () => {
  it('tests drain clear with autostart and min > 0', async () => {
    // Every other create takes 10 ms; the others resolve at once.
    let callCreate = 0;
    const factory = {
      created: 0,
      destroyed: 0,
      create(): Promise<Res> {
        const slow = callCreate++ % 2 === 0;
        return new Promise((resolve) => {
          if (slow) setTimeout(() => resolve({ id: factory.created++ }), 10);
          else resolve({ id: factory.created++ });
        });
      },
      validate: () => Promise.resolve(true),
      destroy(): Promise<void> {
        factory.destroyed++;
        return Promise.resolve();
      },
    };
    const pool = createPool(factory, {
      max: 10,
      min: 1,
      evictionRunIntervalMillis: 500,
      idleTimeoutMillis: 30000,
      testOnBorrow: true,
      autostart: true,
    });
    await pool.drain();
    await pool.clear();
    expect(factory.created).toBe(factory.destroyed);
  });
});

describe('validate-async-stress-test.js (generic-pool 2 callbacks, same scenario with promises)', () => {
  it('validate on borrow under load never lends a resource twice nor creates more than max', async () => {
    let createCount = 0;
    const pool = createPool(
      {
        create: () =>
          new Promise<Res>((resolve) =>
            setTimeout(() => {
              createCount += 1;
              resolve({ id: createCount });
            }, 20),
          ),
        validate: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 40)),
        destroy: () => {},
      },
      { max: 3, idleTimeoutMillis: 100, testOnBorrow: true },
    );
    const borrowed = new Set<Res>();
    const acquireRelease = (holdMs: number) =>
      pool.acquire().then((obj) => {
        expect(borrowed.has(obj)).toBe(false);
        borrowed.add(obj);
        expect(createCount).toBeLessThanOrEqual(3);
        return delay(holdMs).then(() => {
          borrowed.delete(obj);
          return pool.release(obj);
        });
      });
    const first = [acquireRelease(40), acquireRelease(40), acquireRelease(40), acquireRelease(40)];
    await delay(45);
    const second = [40, 40, 40, 20, 20, 20, 40, 40].map(acquireRelease);
    await Promise.all([...first, ...second]);
    await pool.drain();
    await pool.clear();
    expect(createCount).toBeLessThanOrEqual(3);
  });
});

describe('generic-pool.test.js and pool.test.js (generic-pool 1 API, same scenario)', () => {
  it('expands to max limit', async () => {
    const factory = new ResourceFactory();
    const pool = createPool(factory, { max: 2 });
    let borrowCount = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        pool.acquire().then(async (obj) => {
          await delay(5);
          borrowCount++;
          await pool.release(obj);
        }),
      ),
    );
    expect(borrowCount).toBe(10);
    expect(factory.created).toBe(2);
    await stopPool(pool);
    expect(factory.destroyed).toBe(2);
  });
});

describe('generic-pool-maxtries-test.js (maxTries is not a generic-pool 3.9 option)', () => {
  it('maxTries handles acquire non exhausted calls: one failed create, then the resource', async () => {
    vi.useFakeTimers();
    const myResource = {};
    let attempts = 0;
    const pool = createPool(
      {
        create: () => {
          attempts++;
          return attempts < 2 ? Promise.reject(new Error('Create Error')) : Promise.resolve(myResource);
        },
        destroy: () => Promise.resolve(),
      },
      { maxTries: 3 } as never,
    );
    const resource = await settleWithFakeTime(pool.acquire());
    expect(resource).toBe(myResource);
    void pool.release(resource);
    await pool.drain();
    await pool.clear();
  });
});
