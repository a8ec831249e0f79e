// Plain JavaScript against @leakproof/pool and its generic-pool facade. Without `await using`
// (a SyntaxError in JavaScript on Node 20), a lease is released in `finally` or through use().
import { createPool } from '@leakproof/pool';
import { createPool as createGenericPool } from '@leakproof/pool/generic-pool';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/pool: ${what}`);
};

async function main() {
  let id = 0;
  const pool = createPool({ create: async () => ({ id: ++id }), destroy: () => {} }, { max: 2 });
  const lease = await pool.acquire();
  try {
    check(lease.resource.id === 1, 'a lease lends the resource');
  } finally {
    lease.release();
  }
  check((await pool.use((conn) => conn.id)) === 1, 'use() lends the idle resource');
  await pool.close();

  const legacy = createGenericPool(
    { create: async () => ({ id: ++id }), destroy: async () => {} },
    { max: 1 },
  );
  const conn = await legacy.acquire();
  await legacy.release(conn);
  await legacy.drain();
  await legacy.clear();
}

main().then(
  () => console.log('ok @leakproof/pool'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
