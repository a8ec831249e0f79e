// Starts service instances as separate processes (what two pods of one service would be).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
// The example's folder: `--import tsx` resolves from its node_modules.
const HERE = fileURLToPath(new URL('..', import.meta.url));

/** A running instance of the product service. */
export interface Instance {
  readonly url: string;
  get(path: string): Promise<Record<string, unknown>>;
  put(path: string, body: unknown): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts `server.ts` in its own process (`node --import tsx`) and waits until it listens. */
export function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    cwd: HERE,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.once('exit', (code) => reject(new Error(`the service exited early (code ${code}): ${output}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port === undefined) return;
      child.removeAllListeners('exit');
      const url = `http://127.0.0.1:${port}`;
      const call = async (path: string, init?: RequestInit) => {
        const response = await fetch(`${url}${path}`, init);
        return (await response.json()) as Record<string, unknown>;
      };
      resolve({
        url,
        get: (path) => call(path),
        put: (path, body) => call(path, { method: 'PUT', body: JSON.stringify(body) }),
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
