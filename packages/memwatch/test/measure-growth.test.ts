import { describe, expect, it } from 'vitest';
import { measureGrowth } from '../src/measure-growth.js';

// Calibration. Each figure is measured several times in a row: a detector that passes
// once but flakes on the third run is not calibrated.
const RUNS = 3;

describe('measureGrowth calibration', () => {
  it('reports near zero for a no-op, every run', async () => {
    for (let run = 0; run < RUNS; run++) {
      const m = await measureGrowth(() => {});
      expect(Math.abs(m.bytesPerOp), `run ${run}: ${m.bytesPerOp}`).toBeLessThan(0.5);
    }
  });

  it('reports near zero for a bounded map under churn, every run', async () => {
    for (let run = 0; run < RUNS; run++) {
      const map = new Map<number, { id: number; body: string }>();
      const m = await measureGrowth((i) => {
        map.set(i % 1000, { id: i, body: `payload-${i}` });
      });
      expect(Math.abs(m.bytesPerOp), `run ${run}: ${m.bytesPerOp}`).toBeLessThan(0.5);
      expect(map.size).toBe(1000);
    }
  });

  it('detects a leak of one small object per 32 operations, every run', async () => {
    for (let run = 0; run < RUNS; run++) {
      const kept: object[] = [];
      const m = await measureGrowth((i) => {
        if (i % 32 === 0) kept.push({ i });
      });
      // One { i } (16 B) plus its array slot (8 B, amortised growth): about 0.75 to 1.3 B/op.
      expect(m.bytesPerOp, `run ${run}`).toBeGreaterThan(0.6);
      expect(m.bytesPerOp, `run ${run}`).toBeLessThan(2);
      expect(m.trend.direction, `run ${run}`).toBe('increasing');
    }
  });

  it('measures a leak of about 100 bytes per operation, every run', async () => {
    for (let run = 0; run < RUNS; run++) {
      const kept: object[] = [];
      const m = await measureGrowth(
        (i) => {
          // Ten small-integer fields held in-object: 3 header words + 10 fields = 104 B, plus an 8 B slot.
          kept.push({ a: i, b: i, c: i, d: i, e: i, f: i, g: i, h: i, j: i, k: i });
        },
        { opsPerSample: 2000 },
      );
      expect(m.bytesPerOp, `run ${run}`).toBeGreaterThan(90);
      expect(m.bytesPerOp, `run ${run}`).toBeLessThan(140);
      expect(m.trend.direction).toBe('increasing');
    }
  });

  it('awaits an async operation and measures what it retains', async () => {
    const kept: object[] = [];
    const m = await measureGrowth(
      async (i) => {
        await Promise.resolve();
        kept.push({ i, tag: 'async' });
      },
      { opsPerSample: 1000 },
    );
    expect(kept.length).toBe(m.ops + m.warmupOps);
    expect(m.warmupOps).toBeGreaterThanOrEqual(4 * 2000);
    expect(m.warmupOps).toBeLessThanOrEqual(8 * 2000);
    expect(m.bytesPerOp).toBeGreaterThan(20);
    expect(m.trend.direction).toBe('increasing');
  });

  it('passes the operation index and reports its sampling', async () => {
    const seen: number[] = [];
    const m = await measureGrowth((i) => void seen.push(i), { samples: 3, opsPerSample: 5, warmup: 1 });
    expect(m.samples).toHaveLength(3);
    expect(m.ops).toBe(15);
    // One warm-up sample asked for; at most one more while memory settles.
    expect([5, 10]).toContain(m.warmupOps);
    expect(seen).toEqual(Array.from({ length: m.ops + m.warmupOps }, (_, i) => i));
    expect(m.memory).toBe('heap+external');
  });

  it('counts Buffers held outside the heap unless told to read the heap only', async () => {
    const kept: Buffer[] = [];
    const leak = (): void => void kept.push(Buffer.alloc(4096));
    const all = await measureGrowth(leak, { opsPerSample: 100, samples: 5, warmup: 1 });
    expect(all.bytesPerOp).toBeGreaterThan(4000);
    const heapOnly = await measureGrowth(leak, { opsPerSample: 100, samples: 5, warmup: 1, memory: 'heap' });
    expect(heapOnly.bytesPerOp).toBeLessThan(1000);
  });
});

describe('measureGrowth validation', () => {
  it('rejects bad arguments with Node codes, before running anything', async () => {
    let calls = 0;
    const fn = (): void => void calls++;
    await expect(measureGrowth('nope' as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    await expect(measureGrowth(fn, { samples: 2 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: 'Expected `options.samples` to be an integer from 3 to 10000, got `2` (number)',
    });
    await expect(measureGrowth(fn, { opsPerSample: 0 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(measureGrowth(fn, { warmup: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(measureGrowth(fn, { alpha: 1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(measureGrowth(fn, { memory: 'rss' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(measureGrowth(fn, 5 as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(calls).toBe(0);
  });

  it('takes undefined options as their defaults and rejects null with ERR_INVALID_ARG_TYPE', async () => {
    let calls = 0;
    const fn = (): void => void calls++;
    for (const key of ['samples', 'opsPerSample', 'warmup', 'memory', 'alpha']) {
      await expect(measureGrowth(fn, { [key]: null } as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining(`options.${key}`),
      });
    }
    expect(calls).toBe(0);
    const m = await measureGrowth(fn, {
      samples: undefined,
      opsPerSample: 10,
      warmup: undefined,
      memory: undefined,
    });
    expect(m.samples).toHaveLength(10);
  });

  it('surfaces an error thrown by the operation', async () => {
    await expect(
      measureGrowth(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
  });
});
