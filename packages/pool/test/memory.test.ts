// Memory stays flat under sustained use: every path that ends a lease or a wait leaves
// nothing behind (no registry cell, listener, timer or queue entry).
import { assertNoLeak } from '@leakproof/memwatch';
import { createPool } from '@leakproof/pool';
import { describe, it } from 'vitest';

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
      { opsPerSample: 3000 },
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
      { opsPerSample: 1500 },
    );
    await pool.close();
  });

  it('timed-out acquires leave nothing behind', async () => {
    const pool = createPool(factory(), { max: 1 });
    const held = await pool.acquire();
    await assertNoLeak(() => pool.acquire({ timeoutMs: 0 }).catch(() => {}), {
      opsPerSample: 150,
      samples: 8,
    });
    held.release();
    await pool.close();
  });
});
