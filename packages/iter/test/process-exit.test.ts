import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/waits.mts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly killed: boolean;
}

/**
 * Runs one scenario. A child still running `killAfterMs` after it printed `startLine` (once its
 * imports are loaded) is killed and reported so.
 */
function run(scenario: string, startLine = 'started', killAfterMs = 10_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, scenario], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (timer === undefined && stdout.split('\n').includes(startLine)) {
        timer = setTimeout(() => {
          killed = true;
          child.kill('SIGKILL');
        }, killAfterMs);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const lines = stdout.trim().split('\n');
      resolve({ code, stdout: lines.slice(1).join('\n'), stderr, killed });
    });
  });
}

describe('a script whose only work is one wait settles it, never exits 13 under it', () => {
  test("chunk's maxWaitMs flush keeps the process alive while a next() awaits it (exit 0)", async () => {
    const outcome = await run('chunk-max-wait');
    expect(outcome).toMatchObject({ code: 0, killed: false });
    expect(outcome.stdout.trim()).toBe('[1,2]');
  });

  test('from(source, { signal }).next() rejects with ABORT_ERR behind a stopImmediatePropagation listener (exit 1)', async () => {
    const outcome = await run('from-abort');
    expect(outcome).toMatchObject({ code: 1, killed: false });
    expect(outcome.stderr).toContain('ABORT_ERR');
    expect(outcome.stderr).toContain('stopped by the caller');
  });

  test('toReadable(source, { signal }) is destroyed with ABORT_ERR behind a stopImmediatePropagation listener (exit 1)', async () => {
    const outcome = await run('to-readable-abort');
    expect(outcome).toMatchObject({ code: 1, killed: false });
    expect(outcome.stderr).toContain('ABORT_ERR');
  });
});

test('a script that uses every kind of stage and disposes none of them exits on its own', async () => {
  // Counted from its last line: the 60 s flush timers in the scenario would hold the process
  // far past this if they were ref'd.
  const outcome = await run('undisposed', 'left open');
  expect(outcome).toMatchObject({ code: 0, killed: false });
  expect(outcome.stdout.trim()).toBe('left open');
});
