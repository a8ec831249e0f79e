import { setStackCapture } from '@leakproof/core';
import { createPool, type Lease } from '@leakproof/pool';
import { afterEach, describe, expect, it } from 'vitest';
import { controlledFactory, type Resource } from './helpers.js';

const warnings: Array<Error & { code?: string; detail?: string }> = [];
const onWarning = (w: Error & { code?: string; detail?: string }): void => {
  if (w.name === 'LeakproofWarning') warnings.push(w);
};
process.on('warning', onWarning);

afterEach(() => {
  warnings.length = 0;
  setStackCapture(false);
});

const gc = globalThis.gc as () => void;

async function collectUntil(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

// Acquires in a frame of its own, so nothing on this test's stack keeps the lease.
async function forgetALease(pool: { acquire(): Promise<Lease<Resource>> }): Promise<number> {
  const lease = await pool.acquire();
  return lease.resource.id;
}

describe('a lease garbage-collected without release', () => {
  it('is reported, its resource destroyed, and its slot returned', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, name: 'leaky' });
    await forgetALease(pool);
    expect(pool.stats().borrowed).toBe(1);
    await collectUntil(() => pool.stats().leaksDetected > 0);
    const warning = warnings.find((w) => w.code === 'LEAKPROOF_LEASE_LEAKED');
    expect(warning?.message).toMatch(/pool "leaky" was garbage-collected without release/);
    expect(pool.stats()).toMatchObject({ leaksDetected: 1, borrowed: 0 });
    await new Promise((r) => setTimeout(r, 0));
    expect(c.destroys).toBe(1);
    const next = await pool.acquire();
    expect(next.resource.id).toBe(2);
    next.release();
    await pool.close();
  });

  it('carries the acquire stack when stack capture is on', async () => {
    setStackCapture(true);
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1 });
    await forgetALease(pool);
    await collectUntil(() => pool.stats().leaksDetected > 0);
    const warning = warnings.find((w) => w.code === 'LEAKPROOF_LEASE_LEAKED');
    expect(warning?.detail).toMatch(/forgetALease/);
    expect(warning?.detail).toMatch(/leak\.test\.ts/);
    await pool.close();
  });

  it('released leases are never reported', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 2 });
    for (let i = 0; i < 100; i++) (await pool.acquire()).release();
    for (let i = 0; i < 100; i++) await pool.use(() => {});
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(pool.stats().leaksDetected).toBe(0);
    expect(warnings).toHaveLength(0);
    await pool.close();
  });
});

describe('leakDetectionMs', () => {
  it('reports a lease held too long with the stack of its acquire, then that it came back', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, leakDetectionMs: 20, name: 'slow' });
    const lease = await pool.acquire();
    await new Promise((r) => setTimeout(r, 60));
    const held = warnings.filter((w) => w.code === 'LEAKPROOF_LEASE_HELD');
    expect(held).toHaveLength(1);
    expect(held[0]!.message).toMatch(/pool "slow" has been held for more than 20 ms/);
    // captured even though stack capture is off process-wide
    expect(held[0]!.detail).toMatch(/leak\.test\.ts/);
    expect(pool.stats().leaksDetected).toBe(1);
    lease.release();
    await new Promise((r) => setTimeout(r, 0));
    expect(warnings.filter((w) => w.code === 'LEAKPROOF_LEASE_RETURNED')).toHaveLength(1);
    await pool.close();
  });

  it('says nothing about leases released in time', async () => {
    const c = controlledFactory();
    const pool = createPool(c.factory, { max: 1, leakDetectionMs: 30 });
    for (let i = 0; i < 5; i++) (await pool.acquire()).release();
    await new Promise((r) => setTimeout(r, 60));
    expect(warnings).toHaveLength(0);
    await pool.close();
  });
});
