// A script whose only work is awaiting calls that Redis cannot answer (nothing listening, or
// the server paused by DEBUG SLEEP) settles them and exits 0 on its own after close() —
// never 13 (Node's code for a top-level await that can never settle). Each scenario runs in
// its own process (fixtures/exit.mts); a private Redis is paused so no other test stalls.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript, type ScriptOutcome } from '../../../test/helpers/run-script.js';
import { freePort, type PrivateRedis, startPrivateRedis } from '../../../test/setup/services.js';

const fixture = fileURLToPath(new URL('./fixtures/exit.mts', import.meta.url));
// From the repository root, as the other child processes: @leakproof/* resolve to source, and
// NODE_OPTIONS' relative paths (the ioredis 6 run) resolve.
const cwd = fileURLToPath(new URL('../../../', import.meta.url));

let server: PrivateRedis;
beforeAll(async () => {
  server = await startPrivateRedis(['--enable-debug-command', 'local']);
});
afterAll(async () => {
  await server?.stop();
});

function run(scenario: string, url: string): Promise<ScriptOutcome> {
  return runScript(fixture, [scenario], {
    cwd,
    env: { ...process.env, REDIS_URL: url },
    killAfterMs: 60_000,
  });
}

describe('awaited calls settle and the process exits 0 on its own after close()', () => {
  it.each([
    {
      what: 'Redis not listening: reads reject ERR_REDIS_UNAVAILABLE, getOrLoad falls back to its loader',
      scenario: 'unreachable',
      url: async () => `redis://127.0.0.1:${await freePort()}`,
      lines: [
        'rejected ERR_REDIS_UNAVAILABLE',
        'rejected ERR_REDIS_UNAVAILABLE',
        'resolved "loaded"',
        'rejected ERR_REDIS_UNAVAILABLE',
      ],
    },
    {
      what: 'Redis paused by DEBUG SLEEP past the deadline: calls reject ERR_REDIS_UNAVAILABLE, getOrLoad falls back',
      scenario: 'paused',
      url: async () => server.url,
      lines: ['rejected ERR_REDIS_UNAVAILABLE', 'rejected ERR_REDIS_UNAVAILABLE', 'resolved "loaded"'],
    },
    {
      what: 'Redis paused by DEBUG SLEEP within the deadline, tracking on: calls resolve once it wakes',
      scenario: 'paused-tracking',
      url: async () => server.url,
      lines: ['resolved "stored"', 'resolved "loaded"'],
    },
  ])('$what', async ({ scenario, url, lines }) => {
    const result = await run(scenario, await url());
    expect({ killed: result.killed, code: result.code, stderr: result.stderr }).toEqual({
      killed: false,
      code: 0,
      stderr: '',
    });
    expect(result.stdout.trim().split('\n')).toEqual(lines);
  });
});
