import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertNoLeak, LeakDetectedError } from '../src/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

// The classic leak: a registry keyed per request that nobody deletes from...
function leakyHandler(): (i: number) => void {
  const connected = new Map<number, { id: number; since: number }>();
  return (i) => {
    connected.set(i, { id: i, since: i });
  };
}
// ...and its fix: the entry leaves when the request ends.
function fixedHandler(): (i: number) => void {
  const connected = new Map<number, { id: number; since: number }>();
  return (i) => {
    connected.set(i, { id: i, since: i });
    connected.delete(i);
  };
}

describe('assertNoLeak', () => {
  it('throws ERR_LEAK_DETECTED with the figures on a leaky function', async () => {
    const error = await assertNoLeak(leakyHandler(), { opsPerSample: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeakDetectedError);
    const leak = error as LeakDetectedError;
    expect(leak.code).toBe('ERR_LEAK_DETECTED');
    expect(leak.maxBytesPerOp).toBe(0.5);
    expect(leak.measurement.bytesPerOp).toBeGreaterThan(20);
    expect(leak.measurement.trend.direction).toBe('increasing');
    expect(leak.message).toMatch(/^Memory grew by [\d.]+ bytes per operation \(allowed: 0\.500\)/);
    expect(leak.snapshotPath).toBeUndefined();
  });

  it('names the allocation sites of the leak in the error, unless told not to', async () => {
    const leaky = leakyHandler();
    const error = (await assertNoLeak(leaky, { opsPerSample: 2000 }).catch(
      (e: unknown) => e,
    )) as LeakDetectedError;
    expect(error.code).toBe('ERR_LEAK_DETECTED');
    expect(error.sites.length).toBeGreaterThan(0);
    const top = error.sites[0]!;
    // The operation allocates the entries itself: its frame is in the top site's stack.
    expect(top.stack.some((f) => f.url.endsWith('assert-no-leak.test.ts'))).toBe(true);
    expect(top.bytesPerOp).toBeGreaterThan(20);
    expect(error.message).toContain('Allocated at:');
    expect(error.message).toContain(top.location);

    const quick = (await assertNoLeak(leakyHandler(), { opsPerSample: 2000, sites: false }).catch(
      (e: unknown) => e,
    )) as LeakDetectedError;
    expect(quick.code).toBe('ERR_LEAK_DETECTED');
    expect(quick.sites).toEqual([]);
    expect(quick.message).not.toContain('Allocated at:');
  });

  it('takes undefined options as their defaults and rejects null with ERR_INVALID_ARG_TYPE', async () => {
    let calls = 0;
    const fn = (): void => void calls++;
    for (const key of ['maxBytesPerOp', 'minGrowthBytes', 'heapSnapshot', 'sites', 'samples']) {
      await expect(assertNoLeak(fn, { [key]: null } as never)).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_TYPE',
      });
    }
    expect(calls).toBe(0);
    await assertNoLeak(fn, {
      maxBytesPerOp: undefined,
      sites: undefined,
      heapSnapshot: undefined,
      opsPerSample: 100,
    });
  });

  it('passes on the fixed function and resolves with the measurement', async () => {
    const m = await assertNoLeak(fixedHandler());
    expect(m.bytesPerOp).toBeLessThan(0.5);
  });

  it('allows growth up to maxBytesPerOp', async () => {
    // About 56 B per op retained; allowed 200.
    const m = await assertNoLeak(leakyHandler(), { maxBytesPerOp: 200, opsPerSample: 1000 });
    expect(m.bytesPerOp).toBeGreaterThan(20);
  });

  it('needs the growth to add up to minGrowthBytes before calling it a leak', async () => {
    // A linked list: exactly one 40-byte node per operation, no stepwise array growth.
    let head: { next: unknown; i: number } | undefined;
    const grow = (i: number): void => {
      head = { next: head, i };
    };
    const few = { opsPerSample: 45 }; // 10 samples of 45 ops: about 18 KB in all
    const m = await assertNoLeak(grow, few);
    expect(m.bytesPerOp).toBeGreaterThan(30);
    expect(m.growthBytes).toBeLessThan(32_768);
    await expect(assertNoLeak(grow, { ...few, minGrowthBytes: 2048 })).rejects.toMatchObject({
      code: 'ERR_LEAK_DETECTED',
    });
    expect(head).toBeDefined();
  });

  it('writes a heap snapshot on failure when asked', async () => {
    const path = join(tmpdir(), `memwatch-${process.pid}-${Date.now()}.heapsnapshot`);
    try {
      const error = (await assertNoLeak(leakyHandler(), {
        heapSnapshot: path,
        opsPerSample: 500,
      }).catch((e: unknown) => e)) as LeakDetectedError;
      expect(error.code).toBe('ERR_LEAK_DETECTED');
      expect(error.snapshotPath).toBe(path);
      expect(error.message).toContain(path);
      expect(existsSync(path)).toBe(true);
    } finally {
      rmSync(path, { force: true });
    }
  });

  it('rejects bad options before measuring', async () => {
    let calls = 0;
    const fn = (): void => void calls++;
    await expect(assertNoLeak(fn, { maxBytesPerOp: -1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(assertNoLeak(fn, { maxBytesPerOp: '1' as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(assertNoLeak(fn, { heapSnapshot: 3 as never })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(assertNoLeak(fn, { minGrowthBytes: -1 })).rejects.toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
    });
    await expect(assertNoLeak(fn, { samples: 1 })).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' });
    await expect(assertNoLeak(null as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    expect(calls).toBe(0);
  });

  it('reads naturally under node:test, in a process without --expose-gc', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/node-test-leak.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--test-reporter=tap', fixture], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout).toMatch(/# pass 2/);
    expect(stdout).toMatch(/# fail 0/);
  });
});
