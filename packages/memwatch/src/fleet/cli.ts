import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { onAbort } from '@leakproof/core';
import { createFleetServer } from './server.js';
import { formatSeconds, renderTable } from './table.js';
import { type FleetReport, type FleetTarget, type WatchFleetOptions, watchFleet } from './watch-fleet.js';

export const FLEET_USAGE = `Usage: memwatch fleet [options] <url | name=url>...

Scrapes each service's /status/memory (served by memoryStatusHandler()) on an interval,
keeps a bounded history of the heap left after each major collection, and ranks the
services by leak risk: a robust slope (Theil–Sen) confirmed by a trend test (Mann–Kendall).
A bare origin (http://host:port) gets /status/memory. Only the given URLs are requested,
and no redirect is followed.

Options:
  --config <file>       JSON with "targets" and any option of watchFleet()
  --interval <ms>       time between rounds (default 5000)
  --timeout <ms>        limit of one scrape (default 2000)
  --concurrency <n>     scrapes at once (default 8)
  --window <n>          samples the trend is judged on (default 36)
  --threshold <B/s>     slope above which a rising service is leaking (default 2048)
  --json                one JSON report per round on stdout, instead of the table
  --serve <port>        serve a page with the ranking and charts (0: any free port)
  --host <host>         address the page listens on (default 127.0.0.1)
  --duration <ms>       stop after this long (default: until Ctrl-C)
  --fail-on-leak        exit 1 when a service was flagged as leaking
  -h, --help            show this message

Exit codes: 0 done, 1 a service leaks (with --fail-on-leak), 2 bad usage.`;

/** Where the CLI writes and what stops it (tests pass their own). */
export interface FleetCliIo {
  readonly stdout?: NodeJS.WritableStream | undefined;
  readonly stderr?: NodeJS.WritableStream | undefined;
  /** Stops the watcher, as Ctrl-C does. */
  readonly signal?: AbortSignal | undefined;
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`${flag} expects a number, got "${value}"`);
  return n;
}

class UsageError extends Error {}

function target(arg: string): FleetTarget {
  const eq = arg.indexOf('=');
  // "name=url", unless the '=' belongs to the URL's query.
  if (eq > 0 && !arg.slice(0, eq).includes('/')) return { name: arg.slice(0, eq), url: arg.slice(eq + 1) };
  return arg;
}

/**
 * The `fleet` command: `memwatch fleet <url>...`. Resolves with the exit code once stopped
 * (Ctrl-C, `--duration`, or `io.signal`).
 */
export async function runFleetCli(args: string[], io: FleetCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let options: WatchFleetOptions;
  let json: boolean;
  let serve: number | undefined;
  let host: string;
  let durationMs: number | undefined;
  let failOnLeak: boolean;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        interval: { type: 'string' },
        timeout: { type: 'string' },
        concurrency: { type: 'string' },
        window: { type: 'string' },
        threshold: { type: 'string' },
        json: { type: 'boolean', default: false },
        serve: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        duration: { type: 'string' },
        'fail-on-leak': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      stdout.write(`${FLEET_USAGE}\n`);
      return 0;
    }
    let config: Partial<WatchFleetOptions> = {};
    if (values.config !== undefined) {
      try {
        config = JSON.parse(await readFile(values.config, 'utf8')) as Partial<WatchFleetOptions>;
      } catch (error) {
        throw new UsageError(`--config ${values.config}: ${(error as Error).message}`);
      }
    }
    const targets = [...(Array.isArray(config.targets) ? config.targets : []), ...positionals.map(target)];
    if (targets.length === 0) throw new UsageError('give at least one URL (or a --config with "targets")');
    const flags = {
      intervalMs: number(values.interval, '--interval'),
      timeoutMs: number(values.timeout, '--timeout'),
      concurrency: number(values.concurrency, '--concurrency'),
      window: number(values.window, '--window'),
      trendBytesPerSecond: number(values.threshold, '--threshold'),
    };
    const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
    options = { ...config, ...given, targets };
    json = values.json;
    serve = number(values.serve, '--serve');
    host = values.host;
    durationMs = number(values.duration, '--duration');
    failOnLeak = values['fail-on-leak'];
  } catch (error) {
    stderr.write(`memwatch fleet: ${(error as Error).message}\n\n${FLEET_USAGE}\n`);
    return 2;
  }

  const startedAt = Date.now();
  const tty = !json && (stdout as { isTTY?: boolean | undefined }).isTTY === true;
  const print = (report: FleetReport): void => {
    if (json) {
      stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const elapsed = formatSeconds((report.at - startedAt) / 1000);
    stdout.write(`${tty ? '\x1b[2J\x1b[H' : ''}memwatch fleet, round ${report.rounds}, ${elapsed} in\n`);
    stdout.write(`${renderTable(report)}\n\n`);
  };
  let watcher: ReturnType<typeof watchFleet>;
  try {
    watcher = watchFleet({ ...options, onRound: print });
  } catch (error) {
    stderr.write(`memwatch fleet: ${(error as Error).message}\n`);
    return 2;
  }

  const server = serve === undefined ? undefined : createFleetServer(watcher, options.intervalMs ?? 5000);
  try {
    if (server !== undefined) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(serve, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      stderr.write(`memwatch fleet: page at http://${host.includes(':') ? `[${host}]` : host}:${port}/\n`);
    }
  } catch (error) {
    watcher.dispose();
    stderr.write(`memwatch fleet: cannot serve on ${host}:${serve}: ${(error as Error).message}\n`);
    return 2;
  }

  // The watcher's own timer is unref'd; the command is what keeps the process running.
  await new Promise<void>((resolve) => {
    let aborted: Disposable & { dispose(): void } = { dispose() {}, [Symbol.dispose]() {} };
    const keepAlive = setTimeout(stop, durationMs ?? 2 ** 31 - 1);
    const onSignal = (): void => stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    aborted = onAbort(io.signal, () => stop());
    function stop(): void {
      clearTimeout(keepAlive);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      aborted.dispose();
      resolve();
    }
  });
  watcher.dispose();
  if (server !== undefined) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  const final = watcher.report();
  const flagged = final.services.filter((s) => s.flaggedAt !== null);
  const summary =
    flagged.length === 0
      ? `memwatch fleet: no service flagged in ${formatSeconds((final.at - startedAt) / 1000)}`
      : `memwatch fleet: ${flagged
          .map(
            (s) => `${s.name} flagged as leaking after ${formatSeconds((s.flaggedAt! - startedAt) / 1000)}`,
          )
          .join('; ')}`;
  stderr.write(`${summary}\n`);
  return failOnLeak && flagged.length > 0 ? 1 : 0;
}
