// Runs one variant of one scene in a child process and collects its samples.
import { fork } from 'node:child_process';

const WORKER = new URL('./worker.mjs', import.meta.url);

/**
 * Resolves `{ samples, notes, sites }` (`sites`: what findLeaks found, when `where`), or rejects with the child's error. `onSample(sample)` is
 * called as each post-GC sample arrives (the progress indicator uses it).
 */
export function runVariant(
  scene,
  variant,
  { ops, samples, where = true, env = process.env, onSample = () => {} },
) {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [scene.id, variant, String(ops), String(samples), where ? 'where' : ''], {
      // --no-warnings: the worker collects process warnings and reports them as notes.
      execArgv: ['--expose-gc', '--no-warnings'],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const collected = [];
    let sites;
    let result;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8_192);
    });
    child.on('message', (message) => {
      if (message.type === 'sample') {
        collected.push({ ops: message.ops, bytes: message.bytes });
        onSample(message);
      } else if (message.type === 'sites') {
        sites = message.sites;
      } else if (message.type === 'done') {
        result = { samples: collected, notes: message.notes, sites };
      } else if (message.type === 'error') {
        result = new Error(message.message);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (result instanceof Error) reject(result);
      else if (result && code === 0) resolve(result);
      else
        reject(
          new Error(
            `${scene.id} (${variant}) exited with ${signal ?? `code ${code}`}${stderr ? `: ${stderr.trim()}` : ''}`,
          ),
        );
    });
  });
}
