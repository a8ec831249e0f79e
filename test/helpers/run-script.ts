// Runs a TypeScript script in a child process (through tsx) and reports how it ended: the
// exit tests' one way to ask "does this process settle its waits and exit on its own?".
import { spawn } from 'node:child_process';

export interface ScriptOutcome {
  /** The exit code; `null` when the process was killed. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether it was still running at the deadline and was killed. */
  readonly killed: boolean;
}

export interface RunScriptOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv | undefined;
  /**
   * Kill the child this long after `armed` first holds for its output (default: from the
   * start). Far beyond any wait in the script: only a process that would never exit is killed.
   */
  readonly killAfterMs: number;
  /**
   * When the deadline starts: once the script has printed what this checks for (so a slow
   * start on a loaded machine cannot count against it). A hard limit of `startLimitMs` applies
   * until then.
   */
  readonly armed?: ((stdout: string) => boolean) | undefined;
  /** @default 60000 */
  readonly startLimitMs?: number | undefined;
}

export function runScript(
  script: string,
  args: readonly string[],
  options: RunScriptOptions,
): Promise<ScriptOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      killed = true;
      child.kill('SIGKILL');
    };
    let armed = options.armed === undefined;
    let timer = setTimeout(kill, armed ? options.killAfterMs : (options.startLimitMs ?? 60_000));
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!armed && options.armed!(stdout)) {
        armed = true;
        clearTimeout(timer);
        timer = setTimeout(kill, options.killAfterMs);
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, killed });
    });
  });
}
