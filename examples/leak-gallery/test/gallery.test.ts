// Runs the real gallery (built packages, child processes with --expose-gc) on a small load
// and checks what it exists to show: every plain scene grows, every leakproof one stays flat.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const GALLERY = fileURLToPath(new URL('../gallery.mjs', import.meta.url));

interface VariantResult {
  bytesPerOp?: number;
  verdict?: 'grows' | 'flat';
  samples?: { ops: number; bytes: number }[];
  skipped?: string;
  error?: string;
  notes?: string[];
  sites?: { functionName: string; callers: string[]; bytesPerOp: number; retainers?: string }[];
}
interface GalleryResult {
  report: string;
  scenes: {
    id: string;
    leakBytesPerOp: number;
    variants: { plain: VariantResult; leakproof: VariantResult };
  }[];
}

function gallery(
  args: string[],
  redisUrl?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Without REDIS_URL the two-process Redis scene stays out of the run.
    const { REDIS_URL: _omit, ...rest } = process.env;
    const env = redisUrl === undefined ? rest : { ...rest, REDIS_URL: redisUrl };
    execFile(
      process.execPath,
      [GALLERY, ...args],
      { env, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const out = mkdtempSync(join(tmpdir(), 'leak-gallery-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('leak gallery', () => {
  it('shows every plain scene growing and every leakproof scene flat', { timeout: 180_000 }, async () => {
    const { code, stdout, stderr } = await gallery([
      '--ops',
      '3000',
      '--samples',
      '12',
      '--json',
      '--out',
      out,
    ]);
    const result = JSON.parse(stdout) as GalleryResult;
    expect(result.scenes.map((s) => s.id)).toEqual([
      'cache',
      'listeners',
      'registry',
      'closure',
      'pool',
      'report',
    ]);
    for (const scene of result.scenes) {
      const { plain, leakproof } = scene.variants;
      expect({
        scene: scene.id,
        plain: plain.skipped ?? plain.error,
        leakproof: leakproof.skipped ?? leakproof.error,
      }).toEqual({
        scene: scene.id,
        plain: undefined,
        leakproof: undefined,
      });
      expect(plain.samples).toHaveLength(13);
      // Margins: a plain scene retains at least twice its threshold per operation; a
      // leakproof one stays under half of it.
      expect({ scene: scene.id, plain: plain.verdict, leakproof: leakproof.verdict }).toEqual({
        scene: scene.id,
        plain: 'grows',
        leakproof: 'flat',
      });
      expect(plain.bytesPerOp).toBeGreaterThan(2 * scene.leakBytesPerOp);
      expect(leakproof.bytesPerOp).toBeLessThan(scene.leakBytesPerOp / 2);
    }
    // Where: findLeaks names the allocating function and what holds the memory in every
    // plain scene, and finds nothing growing in the leakproof ones.
    const where: Record<string, [string, RegExp]> = {
      cache: ['loadProduct', /"cache"/],
      listeners: ['request', /EventEmitter\._events/],
      registry: ['step', /Set ← "connectedUsers"/],
      closure: ['replacePlain', /"previous" in closure of render/],
      pool: ['connect', /Set ← "borrowed"/],
      report: ['row', /Array\[\d+\] ← closure step/],
    };
    for (const scene of result.scenes) {
      const [allocates, holder] = where[scene.id]!;
      const top = scene.variants.plain.sites?.[0];
      expect({ scene: scene.id, frames: [top?.functionName, ...(top?.callers ?? [])].slice(0, 3) }).toEqual({
        scene: scene.id,
        frames: expect.arrayContaining([allocates]),
      });
      expect({ scene: scene.id, holder: top?.retainers }).toEqual({
        scene: scene.id,
        holder: expect.stringMatching(holder),
      });
      expect({ scene: scene.id, sites: scene.variants.leakproof.sites }).toEqual({
        scene: scene.id,
        sites: [],
      });
    }
    expect(code).toBe(0);
    expect(stderr).toContain('bytes/op');
    expect(stderr).toContain('Where the memory that stays comes from');
    const html = readFileSync(result.report, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(result.scenes.length);
    expect(result.report.startsWith(out)).toBe(true);
  });

  it('shares a TieredCache between two processes over Redis (REDIS_URL, else the local one)', {
    timeout: 120_000,
  }, async () => {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const { code, stdout } = await gallery(
      ['--scene', '7', '--ops', '3000', '--samples', '10', '--json', '--out', out],
      url,
    );
    const result = JSON.parse(stdout) as GalleryResult;
    const [scene] = result.scenes;
    expect(scene?.id).toBe('shared-cache');
    const { plain, leakproof } = scene!.variants;
    expect([plain.error, leakproof.error]).toEqual([undefined, undefined]);
    expect([plain.verdict, leakproof.verdict]).toEqual(['grows', 'flat']);
    expect(plain.bytesPerOp).toBeGreaterThan(2 * scene!.leakBytesPerOp);
    expect(leakproof.bytesPerOp).toBeLessThan(scene!.leakBytesPerOp / 2);
    // The plain copy misses the other process's updates; the tiered one is told about them.
    const stale = (v: VariantResult) =>
      Number(/stale reads: (\d+) of (\d+)/.exec(v.notes?.join('\n') ?? '')?.[1]);
    const reads = (v: VariantResult) =>
      Number(/stale reads: \d+ of (\d+)/.exec(v.notes?.join('\n') ?? '')?.[1]);
    expect(stale(plain)).toBeGreaterThan(reads(plain) / 4);
    expect(stale(leakproof)).toBeLessThan(reads(leakproof) / 20);
    expect(code).toBe(0);
  });

  it('runs one scene by number or id', { timeout: 60_000 }, async () => {
    const { code, stdout } = await gallery([
      '--scene',
      '4',
      '--ops',
      '1000',
      '--samples',
      '5',
      '--json',
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as GalleryResult;
    expect(result.scenes.map((s) => s.id)).toEqual(['closure']);
  });

  it('prints the usage and exits 2 on a bad flag', async () => {
    for (const args of [
      ['--bogus'],
      ['--ops', 'many'],
      ['--ops', '5'],
      ['--scene', 'nope'],
      ['--samples', '1'],
      ['extra'],
    ]) {
      const { code, stdout, stderr } = await gallery(args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toContain('Usage:');
      expect(stdout).toBe('');
    }
  });

  it('prints the usage on --help', async () => {
    const { code, stdout } = await gallery(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--scene');
    expect(stdout).toContain('--ops');
    expect(stdout).toContain('--json');
  });
});
