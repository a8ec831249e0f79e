#!/usr/bin/env node
// Runs the tests N times in a row and prints, per test, how many runs it failed in: the hunt
// for tests that pass or fail at random.
//
//   pnpm test:repeat 10                           the whole suite, 10 times
//   pnpm test:repeat 30 packages/redis            only files whose path contains the filter
//   pnpm test:repeat 30 --project redis --load    one project; half the runs on a loaded machine
//
// Arguments: N (required), then anything vitest takes (a file filter, --project <name>, ...).
// --load runs a CPU burner (one busy process per core) alongside every other run, starting
// with the second, so that half the runs see a machine as busy as a shared CI runner.
// Exits 1 when any run failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const runs = Number(args[0]);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: pnpm test:repeat <N> [vitest filter or options] [--load]');
  process.exit(2);
}
const load = args.includes('--load');
const vitestArgs = args.slice(1).filter((a) => a !== '--load');
const dir = mkdtempSync(join(tmpdir(), 'test-repeat-'));

/** Starts one busy-looping process per core; returns a function that stops them. */
function startBurner() {
  const burners = [];
  for (let i = 0; i < availableParallelism(); i++) {
    burners.push(spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }));
  }
  return () =>
    Promise.all(
      burners.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGKILL');
          }),
      ),
    );
}

function runOnce(outputFile) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        join('node_modules', 'vitest', 'vitest.mjs'),
        'run',
        ...vitestArgs,
        '--reporter=dot',
        '--reporter=json',
        `--outputFile.json=${outputFile}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    currentRun = child;
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

// Stopped early (Ctrl-C, kill): the burners and the run in progress go too.
let stopCurrentBurner;
let currentRun;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    currentRun?.kill('SIGTERM');
    await stopCurrentBurner?.();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
}

const failuresByTest = new Map();
const summary = [];
try {
  for (let i = 1; i <= runs; i++) {
    const loaded = load && i % 2 === 0;
    const stopBurner = loaded ? startBurner() : undefined;
    stopCurrentBurner = stopBurner;
    const outputFile = join(dir, `run-${i}.json`);
    const started = Date.now();
    const code = await runOnce(outputFile);
    await stopBurner?.();
    stopCurrentBurner = undefined;
    let failed = [];
    let total = 0;
    try {
      const report = JSON.parse(readFileSync(outputFile, 'utf8'));
      total = report.numTotalTests;
      for (const file of report.testResults) {
        if (file.status === 'failed' && file.assertionResults.every((t) => t.status !== 'failed')) {
          failed.push(`${file.name} (the file itself: ${file.message?.split('\n')[0] ?? 'failed'})`);
        }
        for (const test of file.assertionResults) {
          if (test.status !== 'failed') continue;
          failed.push(`${file.name} › ${test.fullName}`);
          // The reason, kept: the report file goes when the hunt ends.
          const message = (test.failureMessages ?? []).join('\n').split('\n').slice(0, 20).join('\n    ');
          console.log(`  run ${i} failed: ${file.name} › ${test.fullName}\n    ${message}`);
        }
      }
    } catch {
      failed = [`run ${i}: no report (vitest exited with code ${code})`];
    }
    for (const name of failed) failuresByTest.set(name, (failuresByTest.get(name) ?? 0) + 1);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const line = `run ${i}/${runs}${loaded ? ' (loaded)' : ''}: ${failed.length === 0 && code === 0 ? 'ok' : `${failed.length} failed`} of ${total} tests, ${seconds} s`;
    summary.push({ loaded, failed: failed.length > 0 || code !== 0 });
    console.log(line);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const root = `${process.cwd()}/`;
const failedRuns = summary.filter((r) => r.failed).length;
const loadedRuns = summary.filter((r) => r.loaded).length;
console.log(
  `\n${runs} runs (${loadedRuns} loaded), ${failedRuns} with failures; ${failuresByTest.size} distinct failing tests`,
);
for (const [name, count] of [...failuresByTest].sort((a, b) => b[1] - a[1])) {
  console.log(`  ${count}/${runs}  ${name.replace(root, '')}`);
}
process.exit(failedRuns > 0 ? 1 : 0);
