import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

// The kill timeouts only turn a hang into a failure; they are not timing assertions.
describe('the fleet watcher and the metrics in a process of their own', () => {
  it('never keep the process alive: undisposed, the process exits on its own', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture('fleet-exit.ts')], {
      cwd: root,
      timeout: 20_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout).toBe('scraped true\nexited 0\n');
  });

  it('keep it alive while a round is awaited: a scrape that times out settles, never exit 13', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture('fleet-tick-waits.ts')], {
      cwd: root,
      timeout: 20_000,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout).toBe('ERR_FLEET_TIMEOUT\n');
  });
});
