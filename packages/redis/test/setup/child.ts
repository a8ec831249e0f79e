// Starts a fixture as a child process (node --import tsx, from the repository root so the
// @leakproof/* paths resolve to source) and talks to it over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  readonly events: Array<Record<string, unknown>>;
  request<T = unknown>(op: string, fields?: Record<string, unknown>): Promise<T>;
  waitForEvent(
    predicate: (event: Record<string, unknown>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export function startChild(script: string, env: Record<string, string>): Child {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const events: Array<Record<string, unknown>> = [];
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const watchers = new Set<() => void>();
  let nextId = 1;
  child.on('message', (message: Record<string, unknown>) => {
    if (typeof message.id === 'number') {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) {
        const { message: text, code } = message.error as { message: string; code?: string };
        waiter?.reject(Object.assign(new Error(text), { code }));
      } else waiter?.resolve(message.result);
    } else {
      events.push(message);
      for (const watch of watchers) watch();
    }
  });
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('the child process exited'));
    pending.clear();
  });
  return {
    process: child,
    events,
    request: <T>(op: string, fields: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error('the child process is gone'));
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, ...fields }, (error) => {
          if (error === null) return;
          pending.delete(id);
          reject(error);
        });
      }),
    waitForEvent: (predicate, what, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found === undefined) return false;
          watchers.delete(check);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out waiting for the child: ${what}`));
        }, timeoutMs);
        if (!check()) watchers.add(check);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
