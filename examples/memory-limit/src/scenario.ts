// Starts the service in a child process with a small heap, like a container with a
// memory limit, and sends it requests for distinct products until they are all served
// or the process dies.
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, get } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Mode } from './server.js';

// The example's folder: `--import tsx` resolves from its node_modules.
const HERE = fileURLToPath(new URL('..', import.meta.url));
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

export interface ScenarioOptions {
  /** Distinct products requested. */
  readonly requests: number;
  /** The heap limit, in MiB (`--max-old-space-size`). */
  readonly heapMiB: number;
}

export interface ScenarioResult {
  readonly mode: Mode;
  /** Requests answered with 200 before the end (or the crash). */
  readonly served: number;
  /** True when the process died under load. */
  readonly crashed: boolean;
  /** Why it died: the exit code or signal, and V8's last words when there were some. */
  readonly exit: string;
  readonly outOfMemory: boolean;
  /** The server's own `/status` at the end, when it was still alive. */
  readonly status?: { cachedPages: number; heapUsed: number };
}

function request(agent: Agent, port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

function start(
  mode: Mode,
  heapMiB: number,
): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMiB}`, '--import', 'tsx', SERVER, mode],
    {
      cwd: HERE,
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_096);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const match = /listening (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]), stderr: () => stderr });
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited before listening (${signal ?? code}): ${stderr}`)),
    );
  });
}

/** Runs one mode of the service under the load and reports whether it survived. */
export async function runScenario(mode: Mode, options: ScenarioOptions): Promise<ScenarioResult> {
  const { child, port, stderr } = await start(mode, options.heapMiB);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  let served = 0;
  let crashed = false;
  try {
    for (let i = 0; i < options.requests; i++) {
      try {
        const { status } = await request(agent, port, `/product/${i}`);
        if (status !== 200) throw new Error(`status ${status}`);
        served++;
      } catch {
        crashed = true;
        break;
      }
    }
    let status: ScenarioResult['status'];
    if (!crashed) {
      const { body } = await request(agent, port, '/status');
      status = JSON.parse(body) as { cachedPages: number; heapUsed: number };
    }
    child.stdin?.end();
    const exit = await exited;
    const last = stderr();
    return {
      mode,
      served,
      crashed,
      exit,
      outOfMemory: /heap out of memory/i.test(last),
      ...(status ? { status } : {}),
    };
  } finally {
    agent.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
