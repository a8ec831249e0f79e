import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/close-exit.mts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

function run(
  args: string[],
  killAfterMs: number,
): Promise<{ code: number | null; stdout: string; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0 && !killed) reject(new Error(`child failed (${code}): ${stderr}`));
      else resolve({ code, stdout, killed });
    });
  });
}

describe('close() lets the process exit', () => {
  it('exits on its own after close(), with a lease still out and a waiter queued', async () => {
    const result = await run(['--close'], 20_000);
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('closed ERR_POOL_CLOSED true');
  });

  it('control: without close() the resources keep it alive', async () => {
    const result = await run([], 3_000);
    expect(result.stdout.trim()).toBe('not closed');
    expect(result.killed).toBe(true);
  });
});
