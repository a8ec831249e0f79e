import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { gc } from '../src/gc.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

describe('gc', () => {
  it('collects an unreachable object when --expose-gc is on', async () => {
    const ref = (() => new WeakRef({ payload: new Array(100).fill(0) }))();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(ref.deref()).toBeUndefined();
  });

  it('works in a process started without --expose-gc', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/gc-without-flag.ts', import.meta.url));
    const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(JSON.parse(stdout)).toEqual({ before: 'undefined', collected: true });
  });
});
