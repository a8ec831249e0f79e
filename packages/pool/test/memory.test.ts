// Memory stays flat under sustained use: every path that ends a lease or a wait leaves
// nothing behind (no registry cell, listener, timer or queue entry).
import { assertNoLeak } from '@leakproof/memwatch';
import { createPool } from '@leakproof/pool';
import { describe, it, vi } from 'vitest';

const factory = () => {
  let next = 0;
  return { create: () => ({ id: next++ }), destroy: () => {} };
};

describe('memory', () => {
  it('acquire + release does not grow the heap', async () => {
    const pool = createPool(factory(), { max: 4 });
    await assertNoLeak(async () => {
      const lease = await pool.acquire();
      lease.release();
    });
    await pool.close();
  });

  it('use() and destroy() do not grow the heap', async () => {
    const pool = createPool(factory(), { max: 4 });
    await assertNoLeak(
      async (i) => {
        if (i % 2 === 0) await pool.use((r) => r.id);
        else await (await pool.acquire()).destroy();
      },
      // 10,000 operations a sample: a one-off allocation of V8's own (a lazy compile, an
      // inline-cache transition; 70 KB once in a loaded run with coverage on) must not read as
      // a slope. The allowance per operation is unchanged.
      { opsPerSample: 10_000, warmup: 8 },
    );
    await pool.close();
  });

  it('waiters served after waiting, and aborted waiters, leave nothing behind', async () => {
    const pool = createPool(factory(), { max: 1 });
    await assertNoLeak(
      async () => {
        const held = await pool.acquire();
        const controller = new AbortController();
        const aborted = pool.acquire({ signal: controller.signal }).catch(() => {});
        const waiting = pool.acquire();
        controller.abort();
        held.release();
        (await waiting).release();
        await aborted;
      },
      { opsPerSample: 1500, warmup: 8 },
    );
    await pool.close();
  });

  it.each([
    ['a per-call timeout', { timeoutMs: 10 }, 30_000],
    ["the pool's default timeout", undefined, 10],
  ])('acquires timed out by %s leave nothing behind', async (_label, options, acquireTimeoutMs) => {
    // Fake setTimeout and the clocks (not setImmediate, which the measurement itself uses), so each
    // timeout fires at once and the run has enough operations to see a small leak.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    try {
      const pool = createPool(factory(), { max: 1, acquireTimeoutMs, idleTimeoutMs: Infinity });
      const held = await pool.acquire();
      await assertNoLeak(
        () => {
          const settled = pool.acquire(options).catch(() => {});
          vi.advanceTimersByTime(10);
          return settled;
        },
        { opsPerSample: 1000 },
      );
      held.release();
      await pool.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
