import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../../test/helpers/run-script.js';

const fixture = fileURLToPath(new URL('./fixtures/close-exit.mts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs the fixture. It is killed `killAfterMs` after it printed its line (so a slow start on a
 * loaded machine cannot fail the test), or after 20 s whatever happens.
 */
async function run(
  args: string[],
  killAfterMs: number,
): Promise<{ code: number | null; stdout: string; killed: boolean }> {
  const { code, stdout, stderr, killed } = await runScript(fixture, args, {
    cwd,
    killAfterMs,
    armed: (out) => out.includes('\n'),
    startLimitMs: 20_000,
  });
  if (code !== 0 && !killed) throw new Error(`child failed (${code}): ${stderr}`);
  return { code, stdout, killed };
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
