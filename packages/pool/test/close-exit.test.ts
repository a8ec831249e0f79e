import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/close-exit.mts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs the fixture. It is killed `killAfterMs` after it printed its line (so a slow start on a
 * loaded machine cannot fail the test), or after 20 s whatever happens.
 */
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
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, 20_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        timer = setTimeout(kill, killAfterMs);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
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
    const result = await run(['--close'], 10_000);
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
