// Pool throughput: @leakproof/pool beside generic-pool 3.9 and tarn 3, same factory, same
// workloads, interleaved rounds in one process. Run after a build:
//   node --expose-gc benchmarks/pool/run.mjs
import { createPool } from '@leakproof/pool';
import { createPool as createFacadePool } from '@leakproof/pool/generic-pool';
import genericPool from 'generic-pool';
import tarn from 'tarn';
import { compare, fmt, ratiosTo, writeSuite } from '../lib/harness.mjs';

const MAX = 10;
const quick = process.argv.includes('--quick');
const timing = quick ? { timeMs: 100, rounds: 3, warmupMs: 50 } : { timeMs: 200, rounds: 11, warmupMs: 300 };

let nextId = 0;
const factory = {
  create: async () => ({ id: nextId++ }),
  destroy: async () => {},
};

// Each adapter exposes acquire() -> handle, release(handle), use(fn), close().
const adapters = {
  '@leakproof/pool': () => {
    const pool = createPool(factory, { max: MAX });
    return {
      acquire: () => pool.acquire(),
      release: (lease) => lease.release(),
      use: (fn) => pool.use(fn),
      close: () => pool.close(),
    };
  },
  '@leakproof/pool/generic-pool': () => {
    const pool = createFacadePool(factory, { max: MAX });
    return {
      acquire: () => pool.acquire(),
      release: (r) => pool.release(r),
      use: (fn) => pool.use(fn),
      close: () => pool.drain().then(() => pool.clear()),
    };
  },
  'generic-pool 3.9': () => {
    const pool = genericPool.createPool(factory, { max: MAX });
    return {
      acquire: () => pool.acquire(),
      release: (r) => pool.release(r),
      use: (fn) => pool.use(async (r) => fn(r)),
      close: () => pool.drain().then(() => pool.clear()),
    };
  },
  'tarn 3.1': () => {
    const pool = new tarn.Pool({ ...factory, min: 0, max: MAX });
    return {
      acquire: () => pool.acquire().promise,
      release: (r) => pool.release(r),
      // tarn has no use(): the same pattern by hand.
      use: async (fn) => {
        const r = await pool.acquire().promise;
        try {
          return await fn(r);
        } finally {
          pool.release(r);
        }
      },
      close: () => pool.destroy(),
    };
  },
};

const SEQ_BATCH = 100;
const CONCURRENT = 100;
const PER_REQUESTER = 10;

const workloads = [
  {
    title: 'Sequential acquire + release',
    batch: SEQ_BATCH,
    run: async (p) => {
      for (let i = 0; i < SEQ_BATCH; i++) p.release(await p.acquire());
    },
  },
  {
    title: `${CONCURRENT} concurrent requesters on max ${MAX}`,
    batch: CONCURRENT * PER_REQUESTER,
    run: (p) => {
      const requester = async () => {
        for (let i = 0; i < PER_REQUESTER; i++) {
          const h = await p.acquire();
          await null; // hold it across a tick, as real work would
          p.release(h);
        }
      };
      const all = [];
      for (let i = 0; i < CONCURRENT; i++) all.push(requester());
      return Promise.all(all);
    },
  },
  {
    title: 'use(fn)',
    batch: SEQ_BATCH,
    run: async (p) => {
      for (let i = 0; i < SEQ_BATCH; i++) await p.use((r) => r.id);
    },
  },
];

// The same comparison in CPU time (process.cpuUsage) rather than wall time: on a shared,
// loaded machine, wall time also counts the time other processes had the CPU, CPU time does not.
async function compareCpu(w, rounds) {
  const pools = Object.entries(adapters).map(([name, make]) => ({ name, pool: make(), samples: [] }));
  const batches = quick ? 10 : 30;
  for (let r = 0; r < rounds + 2; r++) {
    for (let k = 0; k < pools.length; k++) {
      const c = pools[(k + r) % pools.length];
      const start = process.cpuUsage();
      for (let b = 0; b < batches; b++) await w.run(c.pool);
      const used = process.cpuUsage(start);
      // The first two rounds warm up.
      if (r >= 2) c.samples.push((batches * w.batch) / ((used.user + used.system) / 1e6));
    }
  }
  for (const c of pools) await c.pool.close();
  return pools.map((c) => {
    const s = c.samples.sort((a, b) => a - b);
    return { name: c.name, opsPerSec: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
  });
}

const tables = [];
const cpuTables = [];
for (const w of workloads) {
  const cpu = ratiosTo(await compareCpu(w, quick ? 3 : 9), '@leakproof/pool');
  cpuTables.push({
    title: `${w.title} (CPU time)`,
    columns: ['pool', 'ops per CPU-second', 'min', 'max', '@leakproof/pool ÷ this'],
    rows: cpu.map((r) => [r.name, fmt(r.opsPerSec), fmt(r.min), fmt(r.max), `${r.ratio.toFixed(2)}x`]),
  });
  const candidates = Object.entries(adapters).map(([name, make]) => {
    let pool;
    return {
      name,
      setup: () => {
        pool = make();
      },
      fn: () => w.run(pool),
      teardown: () => pool.close(),
    };
  });
  const results = ratiosTo(
    await compare(candidates, { ...timing, async: true, batch: w.batch }),
    '@leakproof/pool',
  );
  tables.push({
    title: w.title,
    columns: ['pool', 'ops/s', 'min', 'max', '@leakproof/pool ÷ this'],
    rows: results.map((r) => [r.name, fmt(r.opsPerSec), fmt(r.min), fmt(r.max), `${r.ratio.toFixed(2)}x`]),
  });
}

writeSuite('pool', {
  title: 'Pool: @leakproof/pool vs generic-pool and tarn',
  command: 'node --expose-gc benchmarks/pool/run.mjs',
  tables: [...tables, ...cpuTables],
  notes: [
    `max ${MAX}, a factory resolving a plain object; one operation is one acquire + release (or one use()).`,
    'Targets: acquire/release >= 1.4x generic-pool and >= 3x tarn.',
    'Wall-time tables: ops/s, median of interleaved rounds. CPU-time tables: ops per CPU-second of this process, median of interleaved rounds; steadier when the machine is shared.',
  ],
});
