// Runs the BUILT package in child processes: an awaited wait must settle (exit 0 or 1 with
// the right error), never end the process with code 13 ("unsettled top-level await"), and
// undisposed primitives must never keep a process alive.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(new URL('../dist/index.js', import.meta.url));

function run(script: string, ...args: string[]) {
  const child = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(`child/${script}`, import.meta.url)), ...args],
    {
      cwd: packageDir,
      encoding: 'utf8',
      // A process that never exits is a failure of its own; this bound only stops the test.
      timeout: 20_000,
    },
  );
  return { status: child.status, signal: child.signal, stdout: child.stdout.trim(), stderr: child.stderr };
}

describe('child processes', () => {
  beforeAll(() => {
    // Fail, never skip: a missing build must not turn these tests green.
    if (!built) throw new Error('packages/events/dist is missing: run `npx -y pnpm@10 build` first');
  });

  it("await once(ee, 'never', { timeoutMs: 50 }) rejects with ERR_ONCE_TIMEOUT and exits 1, never 13", () => {
    const result = run('once-timeout.mjs');
    expect(result).toMatchObject({ status: 1, stdout: 'ERR_ONCE_TIMEOUT' });
  });

  it('the deprecated { timeout: 50 } still works, with one DeprecationWarning', () => {
    const result = run('once-timeout.mjs', 'timeout');
    expect(result).toMatchObject({ status: 1, stdout: 'ERR_ONCE_TIMEOUT' });
    expect(result.stderr.match(/DeprecationWarning/g)).toHaveLength(1);
    expect(result.stderr).toContain('timeoutMs');
  });

  it('once() settled by its event exits 0 at once: its 60 s timer is cleared', () => {
    expect(run('once-resolve.mjs')).toMatchObject({ status: 0, stdout: '42' });
  });

  it('a process that uses emitters, scopes, signal-bound listeners and on() without disposing exits on its own', () => {
    expect(run('undisposed.mjs')).toMatchObject({ status: 0, signal: null, stdout: 'used' });
  });

  it("an emitter's 'error' reaches a domain loaded after the package, and usingDomains follows Node's", () => {
    const result = run('domain.cjs');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ before: false, after: true, routed: 'to the domain' });
  });
});
