import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('timers', () => {
  it('a running watcher and governor never keep the process alive', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/timers-exit.ts', import.meta.url));
    // The kill timeout only turns a hang into a failure; it is not a timing assertion.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], {
      cwd: root,
      timeout: 20_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout).toBe('started\nexited 0\n');
  });
});
