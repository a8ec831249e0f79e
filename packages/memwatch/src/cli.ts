// `npx @leakproof/memwatch <command>`: find-leaks, profile, fleet. Progress goes to stderr,
// results to stdout (a table, or JSON with --json), so the output can be piped.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type LeakReport, resolveFindLeaksOptions, runFindLeaks } from './find-leaks/find-leaks.js';
import type { ProfiledSite } from './find-leaks/profile-window.js';
import type { MemoryProfileReport } from './memory-profile-handler.js';

const USAGE = `Usage: memwatch <command> [options]

Commands:
  find-leaks <script> [--ops N] [--warmup N] [--interval BYTES] [--top N] [--retainers] [--json]
      Runs the operation <script> exports (its default export, or an export named
      \`operation\`: a function called with the operation index, sync or async) under
      V8's sampling heap profiler, and prints the allocation sites whose retained memory
      grows with operations. Exits 1 when it finds one.
  profile <url> [--seconds N] [--interval BYTES] [--token T] [--heapprofile FILE] [--json]
      Asks a service's profiling route (memoryProfileHandler) for a profile of N seconds
      (default 30) and prints the growing and the largest live sites. The token comes from
      --token or LEAKPROOF_PROFILE_TOKEN. --heapprofile saves the raw profile for DevTools.
  fleet ...
      Watches many services' /status/memory (see \`memwatch fleet --help\`).

Options:
  --json        print JSON on stdout instead of a table
  -h, --help    this text`;

class UsageError extends Error {}

interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function integer(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new UsageError(`${flag} must be an integer of at least ${min}, got ${value}`);
  return Number(value);
}

function bytes(n: number): string {
  if (Math.abs(n) >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (Math.abs(n) >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${Math.round(n)} B`;
}

function rate(n: number): string {
  return n >= 100 ? Math.round(n).toString() : n.toPrecision(3);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The find-leaks report as a table: one row per site, its stack and retainer path under it. */
export function renderLeakReport(report: LeakReport): string {
  const head = `${report.ops.toLocaleString('en-US')} operations after ${report.warmupOps.toLocaleString('en-US')} of warm-up, sampling every ${bytes(report.samplingInterval)}, ${(report.durationMs / 1000).toFixed(1)} s`;
  if (report.sites.length === 0) return `${head}\nNo allocation site grows with operations.\n`;
  const rows: string[][] = [];
  report.sites.forEach((site, i) => {
    rows.push([
      String(i + 1),
      rate(site.bytesPerOp),
      rate(site.objectsPerOp),
      bytes(site.retainedBytes),
      site.location,
    ]);
    for (const frame of site.stack.slice(site.stack.indexOf(site.frame) + 1).slice(0, 3)) {
      rows.push([
        '',
        '',
        '',
        '',
        `  ← ${frame.url === '' ? frame.functionName : `${frame.functionName} (${frame.url}:${frame.line}:${frame.column})`}`,
      ]);
    }
    if (site.retainers !== undefined) rows.push(['', '', '', '', `  held by: ${site.retainers.text}`]);
  });
  return `${head}\n${table(['#', 'B/op', 'objects/op', 'retained', 'allocated at'], rows)}\n`;
}

function siteRows(sites: readonly ProfiledSite[], growing: boolean): string[][] {
  const rows: string[][] = [];
  sites.forEach((site, i) => {
    rows.push([
      String(i + 1),
      growing ? `${bytes(site.bytesPerSecond)}/s` : '',
      bytes(site.liveBytes),
      site.location,
    ]);
    for (const frame of site.stack.slice(1, 3)) rows.push(['', '', '', `  ← ${frame}`]);
  });
  return rows;
}

/** The profile route's report as two tables: what grew, and what holds the most. */
export function renderProfileReport(report: MemoryProfileReport): string {
  const head = `${report.seconds} s window, sampling every ${bytes(report.samplingInterval)}`;
  const growing =
    report.growing.length === 0
      ? 'No allocation site grew through the window.'
      : `Growing sites:\n${table(['#', 'growth', 'live', 'allocated at'], siteRows(report.growing, true))}`;
  const live =
    report.live.length === 0
      ? ''
      : `\n\nLargest live sites (allocated during the window, alive at its end):\n${table(['#', '', 'live', 'allocated at'], siteRows(report.live, false))}`;
  return `${head}\n${growing}${live}\n`;
}

async function findLeaksCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ops: { type: 'string' },
      warmup: { type: 'string' },
      interval: { type: 'string' },
      top: { type: 'string' },
      retainers: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('find-leaks needs exactly one <script>');
  const options = resolveFindLeaksOptions({
    ops: integer(values.ops, '--ops', 4),
    warmupOps: integer(values.warmup, '--warmup', 0),
    samplingInterval: integer(values.interval, '--interval', 64),
    top: integer(values.top, '--top', 1),
    retainers: values.retainers ?? false,
  });
  const script = resolve(positionals[0]!);
  io.stderr(`loading ${script}\n`);
  const mod = (await import(pathToFileURL(script).href)) as { default?: unknown; operation?: unknown };
  const op = typeof mod.default === 'function' ? mod.default : mod.operation;
  if (typeof op !== 'function') {
    throw new UsageError(
      `${script} must export the operation: \`export default (i) => { ... }\` or \`export function operation(i)\``,
    );
  }
  const report = await runFindLeaks(op as (i: number) => unknown, options, (phase, done, total) => {
    if (phase === 'warmup') io.stderr(`warming up: ${total.toLocaleString('en-US')} operations\n`);
    else if (phase === 'profile') io.stderr(`profiling: batch ${done + 1} of ${total}\n`);
    else io.stderr('finding retainers: heap snapshot (this takes a while)\n');
  });
  io.stderr(`done in ${(report.durationMs / 1000).toFixed(1)} s\n`);
  if (values.json) {
    const { profile: _profile, ...rest } = report;
    io.stdout(`${JSON.stringify(rest, null, 2)}\n`);
  } else {
    io.stdout(renderLeakReport(report));
  }
  return report.sites.length === 0 ? 0 : 1;
}

async function profileCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      seconds: { type: 'string' },
      interval: { type: 'string' },
      token: { type: 'string' },
      heapprofile: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('profile needs exactly one <url>');
  let url: URL;
  try {
    url = new URL(positionals[0]!);
  } catch {
    throw new UsageError(`not a URL: ${positionals[0]}`);
  }
  const seconds = integer(values.seconds, '--seconds', 1) ?? 30;
  const interval = integer(values.interval, '--interval', 1);
  url.searchParams.set('seconds', String(seconds));
  if (interval !== undefined) url.searchParams.set('interval', String(interval));
  if (values.heapprofile !== undefined) url.searchParams.set('format', 'heapprofile');
  const token = values.token ?? process.env.LEAKPROOF_PROFILE_TOKEN;
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  io.stderr(`profiling ${url.origin}${url.pathname} for ${seconds} s\n`);
  let elapsed = 0;
  // The countdown is only progress: it must not keep the process alive by itself.
  const ticker = setInterval(() => {
    elapsed++;
    if (elapsed <= seconds) io.stderr(`  ${elapsed}/${seconds} s\n`);
  }, 1000);
  ticker.unref();
  let res: Response;
  try {
    res = await fetch(url, { headers });
  } finally {
    clearInterval(ticker);
  }
  const body = await res.text();
  if (!res.ok) {
    io.stderr(`${res.status} ${res.statusText}: ${body.trim()}\n`);
    return 1;
  }
  if (values.heapprofile !== undefined) {
    const path = resolve(values.heapprofile);
    writeFileSync(path, body);
    io.stderr(`wrote ${path} (open it in Chrome DevTools: Memory → Load)\n`);
    return 0;
  }
  if (values.json) io.stdout(body.endsWith('\n') ? body : `${body}\n`);
  else io.stdout(renderProfileReport(JSON.parse(body) as MemoryProfileReport));
  return 0;
}

/** The fleet view is its own entry of the build (dist/fleet/cli.js), loaded only when asked for. */
async function fleetCommand(args: string[], io: Io): Promise<number> {
  const specifier = ['.', 'fleet', 'cli.js'].join('/');
  let fleet: { runFleetCli?: ((args: string[]) => Promise<number>) | undefined };
  try {
    fleet = (await import(specifier)) as typeof fleet;
  } catch {
    io.stderr('memwatch: fleet is not available in this build of @leakproof/memwatch\n');
    return 2;
  }
  if (typeof fleet.runFleetCli !== 'function') {
    io.stderr('memwatch: fleet is not available in this build of @leakproof/memwatch\n');
    return 2;
  }
  return fleet.runFleetCli(args);
}

/** Runs one command; resolves the exit code (2 for a usage error). */
export async function runCli(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'find-leaks':
        return await findLeaksCommand(args, io);
      case 'profile':
        return await profileCommand(args, io);
      case 'fleet':
        return await fleetCommand(args, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string | undefined }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`memwatch: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if ((error as { code?: string | undefined }).code?.startsWith('ERR_')) {
      io.stderr(`memwatch: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}
