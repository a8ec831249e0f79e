// A script whose only work is one awaited wait settles it and exits 0 or 1, never 13 (Node's
// code for a top-level await that can never settle); one that uses the pools and never
// closes them exits on its own.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript, type ScriptOutcome } from '../../../test/helpers/run-script.js';

const fixture = fileURLToPath(new URL('./fixtures/waits.mts', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

function run(scenario: string): Promise<ScriptOutcome> {
  return runScript(fixture, [scenario], { cwd, killAfterMs: 20_000 });
}

describe('awaited waits settle instead of ending the process with exit code 13', () => {
  it.each([
    ['acquire-timeout', 'ERR_POOL_TIMEOUT'],
    ['acquire-call-timeout', 'ERR_POOL_TIMEOUT'],
    ['create-failing', 'create failed'],
    ['facade-timeout', 'ResourceRequest timed out'],
  ])('%s rejects: exit 1 with the error', async (scenario, expected) => {
    const result = await run(scenario);
    expect(result.killed).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(expected);
  });

  it.each([
    ['create-retry', 'acquired 1'],
    ['validate-on-borrow', 'acquired 1'],
    ['close-grace', 'closed'],
    ['facade-create-retry', 'acquired 1 pending 0'],
  ])('%s resolves: exit 0', async (scenario, expected) => {
    const result = await run(scenario);
    expect(result.killed).toBe(false);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe(expected);
  });

  it('pools used and never closed let the process exit on its own', async () => {
    const result = await run('undisposed');
    expect(result.killed).toBe(false);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe('used');
  });
});
