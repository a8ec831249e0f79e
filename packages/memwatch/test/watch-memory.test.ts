import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPrimitives } from '@leakproof/core';
import { describe, expect, it } from 'vitest';
import { gc } from '../src/gc.js';
import { type PressureAlarm, type TrendAlarm, watchMemory } from '../src/watch-memory.js';

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('watchMemory', () => {
  it('raises onTrend when the post-collection heap keeps rising', async () => {
    const alarms: TrendAlarm[] = [];
    const published: unknown[] = [];
    const listener = (message: unknown): void => void published.push(message);
    subscribe('leakproof:memwatch:trend', listener);
    // A huge interval: the test drives the ticks itself.
    using watcher = watchMemory({
      intervalMs: 1_000_000,
      window: 5,
      onTrend: (a) => alarms.push(a),
      name: 'trend',
    });
    const leak: number[][] = [];
    try {
      for (let i = 0; i < 5; i++) {
        leak.push(new Array(64 * 1024).fill(i)); // ~512 KB retained per step
        gc(); // a major collection, as V8 would run on its own
        await macrotask(); // the GC observer reports asynchronously
        await new Promise((resolve) => setTimeout(resolve, 5));
        watcher.tick();
      }
    } finally {
      unsubscribe('leakproof:memwatch:trend', listener);
    }
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.bytesPerSecond).toBeGreaterThan(1024);
    expect(alarms[0]!.trend.direction).toBe('increasing');
    expect(alarms[0]!.samples).toHaveLength(5);
    expect(published).toHaveLength(1);
    expect(watcher.stats()).toMatchObject({ ticks: 5, samples: 5, trendAlarms: 1 });
    expect(leak).toHaveLength(5);
  });

  it('stays quiet when the heap is flat, and ignores ticks without a major collection', async () => {
    const alarms: TrendAlarm[] = [];
    // Ticks are milliseconds apart here, so a few stray bytes would be a steep slope per second.
    using watcher = watchMemory({
      intervalMs: 1_000_000,
      window: 4,
      trendBytesPerSecond: 10 * 2 ** 20,
      onTrend: (a) => alarms.push(a),
    });
    watcher.tick(); // no collection since the watcher started: no sample
    expect(watcher.stats().samples).toBe(0);
    for (let i = 0; i < 8; i++) {
      gc();
      await macrotask();
      await new Promise((resolve) => setTimeout(resolve, 5));
      watcher.tick();
    }
    expect(watcher.stats().samples).toBe(8);
    expect(alarms).toEqual([]);
  });

  it('raises onPressure once when pressure crosses the threshold, with one heap snapshot', async () => {
    const alarms: PressureAlarm[] = [];
    const path = join(tmpdir(), `memwatch-watch-${process.pid}-${Date.now()}.heapsnapshot`);
    // A container limit of RSS / 2 puts pressure near 2.
    const containerLimit = Math.floor(process.memoryUsage().rss / 2);
    try {
      using watcher = watchMemory({
        intervalMs: 1_000_000,
        containerLimit,
        pressureThreshold: 0.9,
        onPressure: (a) => alarms.push(a),
        heapSnapshot: path,
      });
      watcher.tick();
      watcher.tick();
      expect(alarms).toHaveLength(1);
      expect(alarms[0]!.pressure).toBeGreaterThan(1.5);
      expect(alarms[0]!.threshold).toBe(0.9);
      expect(alarms[0]!.status.limitedBy).toBe('container');
      expect(alarms[0]!.snapshotPath).toBe(path);
      expect(existsSync(path)).toBe(true);
      expect(watcher.stats().pressureAlarms).toBe(1);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('samples on its own timer and leaves the registry when disposed', async () => {
    const watcher = watchMemory({ intervalMs: 10, name: 'timed-watcher' });
    expect(listPrimitives({ kind: 'memory-watcher' }).map((p) => p.name)).toContain('timed-watcher');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(watcher.stats().ticks).toBeGreaterThan(0);
    watcher.dispose();
    watcher.dispose();
    const ticks = watcher.stats().ticks;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(watcher.stats().ticks).toBe(ticks);
    expect(listPrimitives({ kind: 'memory-watcher' }).map((p) => p.name)).not.toContain('timed-watcher');
  });

  it('rejects bad options', () => {
    expect(() => watchMemory({ window: 2 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => watchMemory({ intervalMs: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => watchMemory({ onTrend: 'x' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => watchMemory({ heapSnapshot: 1 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('counts a pressure reading that is not a finite number as a read error: a warning, no alarm', async () => {
    const warnings: { code?: string; message: string }[] = [];
    const onWarning = (w: Error & { code?: string }): void => void warnings.push(w);
    process.on('warning', onWarning);
    const readings: unknown[] = [undefined, Number.NaN, {}, Number.POSITIVE_INFINITY, 'high', 0.5];
    const alarms: PressureAlarm[] = [];
    try {
      using watcher = watchMemory({
        intervalMs: 1_000_000,
        pressureThreshold: 0.85,
        pressure: () => {
          const next = readings.shift();
          if (next === 'throw') throw new Error('cgroup file gone');
          return next as number;
        },
        onPressure: (a) => alarms.push(a),
      });
      for (let i = 0; i < 5; i++) watcher.tick();
      expect(watcher.stats()).toMatchObject({ ticks: 5, readErrors: 5, lastPressure: 0, pressureAlarms: 0 });
      watcher.tick();
      expect(watcher.stats()).toMatchObject({ readErrors: 5, lastPressure: 0.5 });
      // Warnings are emitted on the next tick of the event loop.
      await macrotask();
    } finally {
      process.off('warning', onWarning);
    }
    expect(alarms).toEqual([]);
    const ours = warnings.filter((w) => w.code === 'LEAKPROOF_PRESSURE_READ_FAILED');
    expect(ours).toHaveLength(5);
    expect(ours[1]!.message).toMatch(/returned NaN, not a finite number/);
  });

  it('counts a pressure reading that throws as a read error instead of throwing from its timer', async () => {
    const onWarning = (): void => {};
    process.on('warning', onWarning);
    try {
      using watcher = watchMemory({
        intervalMs: 1_000_000,
        pressure: () => {
          throw new Error('cgroup file gone');
        },
      });
      expect(() => watcher.tick()).not.toThrow();
      expect(watcher.stats()).toMatchObject({ readErrors: 1, pressureAlarms: 0 });
      await macrotask();
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects null for every option, and takes undefined as the default', () => {
    for (const key of [
      'intervalMs',
      'window',
      'trendBytesPerSecond',
      'pressureThreshold',
      'heapSnapshot',
      'containerLimit',
      'pressure',
      'onTrend',
      'onPressure',
      'name',
    ]) {
      expect(() => watchMemory({ [key]: null } as never), key).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
      );
    }
    using watcher = watchMemory({ intervalMs: undefined, window: undefined, name: undefined });
    expect(watcher.stats()).toMatchObject({ ticks: 0, windows: 0, lastTrend: 0, readErrors: 0 });
  });

  it('reports the verdict of its last judged window in stats', async () => {
    // Five samples: the fewest with which Mann–Kendall can find a trend at 5%.
    using watcher = watchMemory({ intervalMs: 1_000_000, window: 5, trendBytesPerSecond: Number.MAX_VALUE });
    const leak: number[][] = [];
    for (let i = 0; i < 6; i++) {
      leak.push(new Array(64 * 1024).fill(i));
      gc();
      await macrotask();
      await new Promise((resolve) => setTimeout(resolve, 5));
      watcher.tick();
    }
    expect(watcher.stats()).toMatchObject({ windows: 2, lastTrend: 1, trendAlarms: 0 });
    expect(watcher.stats().lastBytesPerSecond).toBeGreaterThan(0);
    expect(leak).toHaveLength(6);
  });
});
