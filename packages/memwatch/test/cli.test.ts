import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { memoryProfileHandler } from '../src/index.js';

const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = fileURLToPath(new URL('../src/bin.ts', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function memwatch(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', bin, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('memwatch find-leaks', () => {
  it('prints the growing site as a table on stdout, progress on stderr, and exits 1', async () => {
    const { code, stdout, stderr } = await memwatch([
      'find-leaks',
      fixture('cli-leaky-script.mjs'),
      '--ops',
      '8000',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('profiling: batch 1 of 5');
    expect(stdout).toMatch(/B\/op\s+objects\/op\s+retained\s+allocated at/);
    expect(stdout).toMatch(/recordOrder \(.*cli-leaky-script\.mjs:\d+:\d+\)/);
  });

  it('prints JSON with --json, with the retainer path when asked', async () => {
    const { code, stdout } = await memwatch([
      'find-leaks',
      fixture('cli-leaky-script.mjs'),
      '--ops',
      '8000',
      '--json',
      '--retainers',
    ]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      sites: {
        frame: { functionName: string };
        stack: { functionName: string }[];
        retainers?: { text: string };
      }[];
    };
    const top = report.sites[0]!;
    expect([top.frame.functionName, top.stack[1]?.functionName]).toContain('recordOrder');
    expect(top.retainers?.text).toContain('"orders"');
  });

  it('reports positions in the TypeScript source when Node has its source map (run through tsx)', async () => {
    const { code, stdout } = await memwatch(['find-leaks', fixture('typescript-leak.ts'), '--ops', '8000']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/createOrder \(.*typescript-leak\.ts:10:\d+\)/);
    expect(stdout).toMatch(/placeOrder \(.*typescript-leak\.ts:14:\d+\)/);
  });

  it('exits 2 with the usage on a bad command line or a script that exports no operation', async () => {
    const none = await memwatch(['find-leaks']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: memwatch');
    expect((await memwatch(['find-leaks', fixture('cli-leaky-script.mjs'), '--ops', 'x'])).code).toBe(2);
    expect((await memwatch(['nope'])).code).toBe(2);
    const noExport = await memwatch(['find-leaks', fixture('cli-no-export.mjs')]);
    expect(noExport.code).toBe(2);
    expect(noExport.stderr).toContain('must export the operation');
  });
});

describe('memwatch profile', () => {
  it('asks the route for a profile with the token from the environment and prints its tables', async () => {
    const token = 'cli-test-token-0123456789';
    const handler = memoryProfileHandler({ token, maxSeconds: 5 });
    const server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status/memory/profile`;
    try {
      const ok = await memwatch(['profile', url, '--seconds', '1'], { LEAKPROOF_PROFILE_TOKEN: token });
      expect(ok.code).toBe(0);
      expect(ok.stderr).toContain('profiling http://127.0.0.1:');
      expect(ok.stdout).toContain('1 s window, sampling every 512.0 KiB');
      const json = await memwatch(['profile', url, '--seconds', '1', '--json', '--token', token]);
      expect(JSON.parse(json.stdout)).toMatchObject({
        seconds: 1,
        growing: expect.any(Array),
        live: expect.any(Array),
      });
      const denied = await memwatch(['profile', url, '--seconds', '1'], {
        LEAKPROOF_PROFILE_TOKEN: 'wrong-token-0123456789',
      });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('403');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('memwatch fleet', () => {
  it('says clearly when the fleet view is not in this build', async () => {
    const { code, stderr } = await memwatch(['fleet']);
    expect(code).toBe(2);
    expect(stderr).toContain('fleet is not available');
  });
});
