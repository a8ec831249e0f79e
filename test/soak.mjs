#!/usr/bin/env node
// `pnpm soak`: the soak test for 10 minutes (or LEAKPROOF_SOAK_SECONDS), with progress.
// The same test runs for 60 seconds inside `pnpm test`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const seconds = process.env.LEAKPROOF_SOAK_SECONDS ?? '600';
console.log(`Soak: ${seconds} s of mixed load with faults (LEAKPROOF_SOAK_SECONDS to change it)`);
const { status, signal } = spawnSync(
  process.execPath,
  [vitest, 'run', '--project', 'integration', 'test/soak.test.ts'],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, LEAKPROOF_SOAK_SECONDS: seconds, LEAKPROOF_SOAK_VERBOSE: '1' },
  },
);
process.exitCode = status ?? (signal ? 1 : 0);
