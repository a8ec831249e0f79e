// 5. Connections borrowed and never returned: the error path returns before `release()`.
// A hand-rolled pool with no bound just opens another connection, and keeps every
// borrowed one in its bookkeeping forever. With `await using`, the lease releases itself
// on every path, and `leakDetectionMs` reports leases held too long (with the stack of
// their acquire) — shown here by running the same forgetful handler on @leakproof/pool.
import { text } from '../lib/payload.mjs';

const MAX = 10;

function connect(id) {
  // A socket's read buffer and the prepared-statement cache of a real client.
  return { id, buffer: text(8_192, id), query: (sql) => [{ sql, ok: true }] };
}

/** What services write before they reach for a library: no bound, no timeout. */
function createNaivePool() {
  const idle = [];
  const borrowed = new Set();
  let created = 0;
  return {
    async acquire() {
      const connection = idle.pop() ?? connect(created++);
      borrowed.add(connection);
      return connection;
    },
    release(connection) {
      borrowed.delete(connection);
      idle.push(connection);
    },
    get created() {
      return created;
    },
  };
}

/** The forgetful handler: one request in ten fails validation and returns early. */
async function forgetfulHandler(acquire, release, i) {
  const connection = await acquire();
  connection.query(`select * from orders where id = ${i}`);
  if (i % 10 === 0) return 'invalid order'; // forgot release(connection)
  release(connection);
  return 'ok';
}

async function leakDetectionDemo() {
  const { createPool } = await import('@leakproof/pool');
  const reports = [];
  const onWarning = (warning) => {
    if (/leak/i.test(`${warning.code ?? ''} ${warning.message}`)) reports.push(warning);
  };
  process.on('warning', onWarning);
  const pool = createPool(
    { create: () => connect(0), destroy: () => {} },
    { max: 100, leakDetectionMs: 20, name: 'gallery-forgetful' },
  );
  const held = [];
  for (let i = 0; i < 50; i++) {
    await forgetfulHandler(
      async () => {
        const lease = await pool.acquire();
        held.push(lease);
        return lease.resource;
      },
      () => held.pop()?.release(),
      i,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
  process.off('warning', onWarning);
  await pool.close({ timeoutMs: 100 });
  const code = reports[0]?.code ?? 'none';
  return `the same handler on @leakproof/pool ({ leakDetectionMs: 20 }): ${held.length} leases leaked, ${reports.length} leak reports (code ${code})`;
}

export default {
  id: 'pool',
  title: 'Unreleased connections',
  problem: 'An early return skips `release()`: the connection is never returned, and the pool opens another.',
  plain: 'hand-rolled pool, acquire() ... release() with an early return',
  leakproof: `createPool(factory, { max: ${MAX}, leakDetectionMs: 1000 }) and \`await using lease\``,
  requires: ['@leakproof/pool'],
  warmupOps: 1_000,
  defaultOps: 20_000,
  leakBytesPerOp: 128,
  async run(variant) {
    if (variant === 'plain') {
      const pool = createNaivePool();
      return {
        async step(from, to) {
          for (let i = from; i < to; i++) {
            await forgetfulHandler(
              () => pool.acquire(),
              (c) => pool.release(c),
              i,
            );
          }
        },
        async notes() {
          const notes = [`connections opened: ${pool.created.toLocaleString('en-US')}`];
          try {
            notes.push(await leakDetectionDemo());
          } catch (error) {
            notes.push(`leak detection demo skipped: ${error.message}`);
          }
          return notes;
        },
      };
    }
    const { createPool } = await import('@leakproof/pool');
    let created = 0;
    const pool = createPool(
      { create: () => connect(created++), destroy: () => {} },
      { max: MAX, leakDetectionMs: 1_000, name: 'gallery-orders' },
    );
    async function handler(i) {
      // TypeScript: `await using lease = await pool.acquire();` — Node 20's JS has no `using` yet.
      const lease = await pool.acquire();
      try {
        lease.resource.query(`select * from orders where id = ${i}`);
        if (i % 10 === 0) return 'invalid order';
        return 'ok';
      } finally {
        await lease[Symbol.asyncDispose]();
      }
    }
    return {
      async step(from, to) {
        for (let i = from; i < to; i++) await handler(i);
      },
      notes: () => [`connections opened: ${created.toLocaleString('en-US')}`],
      close: () => pool.close(),
    };
  },
};
