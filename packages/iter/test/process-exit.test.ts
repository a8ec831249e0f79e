import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runScript, type ScriptOutcome } from '../../../test/helpers/run-script.js';

const fixture = fileURLToPath(new URL('./fixtures/waits.mts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs one scenario. A child still running `killAfterMs` after it printed `startLine` (once its
 * imports are loaded) is killed and reported so. The start line is left out of `stdout`.
 */
async function run(scenario: string, startLine = 'started', killAfterMs = 10_000): Promise<ScriptOutcome> {
  const outcome = await runScript(fixture, [scenario], {
    cwd,
    killAfterMs,
    armed: (stdout) => stdout.split('\n').includes(startLine),
  });
  return { ...outcome, stdout: outcome.stdout.trim().split('\n').slice(1).join('\n') };
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
