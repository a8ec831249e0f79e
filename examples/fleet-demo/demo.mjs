// The fleet demo as a function, shared by `run.mjs` and the fleet benchmarks: start services,
// load them with autocannon, watch them with watchFleet, and report who was flagged and when.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { formatFleetTable, watchFleet } from '@leakproof/memwatch/fleet';
import autocannon from 'autocannon';

const SERVICE = fileURLToPath(new URL('./service.mjs', import.meta.url));

/** Starts one service process; resolves with `{ name, url, child }` once it listens. */
export async function startService(name, leakBytesPerSecond = 0) {
  const child = spawn(
    process.execPath,
    [SERVICE, '--name', name, '--leak-bytes-per-second', String(leakBytesPerSecond)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [line] = await Promise.race([
    once(child.stdout, 'data'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`service ${name} exited with ${code} before listening`);
    }),
  ]);
  const { port } = JSON.parse(String(line));
  return { name, url: `http://127.0.0.1:${port}`, child, leakBytesPerSecond };
}

/** Stops a service process and waits for it to exit. */
export async function stopService(service) {
  if (service.child.exitCode !== null) return;
  const exited = once(service.child, 'exit');
  service.child.kill('SIGTERM');
  await exited;
}

/**
 * Runs the demo. Options: `services` ([{ name, leakBytesPerSecond }]), `connections` (total,
 * split over the services), `rate` (requests per second per service; default: as fast as it goes), `maxSeconds` (the load and the watch stop by then at the latest),
 * `stopWhenFlagged` (stop once every leaking service is flagged), `intervalMs`, `log`
 * (receives each round's table), `onRound` (receives each report).
 * Resolves with `{ seconds, flagged: [{ name, leaking, afterSeconds }], missed, falseAlarms, requests, rounds }`.
 */
export async function runFleetDemo(options) {
  const {
    services: specs,
    connections = 30,
    rate,
    maxSeconds = 600,
    stopWhenFlagged = true,
    intervalMs = 2000,
    log = () => {},
    onRound = () => {},
  } = options;
  const services = await Promise.all(specs.map((s) => startService(s.name, s.leakBytesPerSecond ?? 0)));
  const startedAt = Date.now();
  const perService = Math.max(1, Math.floor(connections / services.length));
  const loads = services.map((s) =>
    autocannon({
      url: `${s.url}/orders`,
      connections: perService,
      duration: maxSeconds,
      ...(rate === undefined ? {} : { overallRate: rate }),
      // The load keeps going while the watcher judges; it is stopped below.
    }),
  );
  const leaking = new Set(specs.filter((s) => (s.leakBytesPerSecond ?? 0) > 0).map((s) => s.name));
  let finish;
  const finished = new Promise((resolve) => {
    finish = resolve;
  });
  const deadline = setTimeout(() => finish(), maxSeconds * 1000);
  const fleet = watchFleet({
    targets: services.map((s) => ({ name: s.name, url: s.url })),
    intervalMs,
    onRound(report) {
      log(
        `round ${report.rounds}, ${Math.round((report.at - startedAt) / 1000)} s in\n${formatFleetTable(report)}\n`,
      );
      onRound(report, startedAt);
      const flaggedNow = report.services.filter((s) => s.flaggedAt !== null).map((s) => s.name);
      if (stopWhenFlagged && leaking.size > 0 && [...leaking].every((n) => flaggedNow.includes(n))) finish();
    },
  });
  try {
    await finished;
  } finally {
    clearTimeout(deadline);
    fleet.dispose();
    for (const load of loads) load.stop();
  }
  const results = await Promise.all(loads);
  await Promise.all(services.map(stopService));
  const report = fleet.report();
  const flagged = report.services
    .filter((s) => s.flaggedAt !== null)
    .map((s) => ({
      name: s.name,
      leaking: leaking.has(s.name),
      afterSeconds: (s.flaggedAt - startedAt) / 1000,
    }));
  return {
    seconds: (Date.now() - startedAt) / 1000,
    connections: perService * services.length,
    requests: results.reduce((sum, r) => sum + r.requests.total, 0),
    requestsPerSecond: results.reduce((sum, r) => sum + r.requests.average, 0),
    rounds: report.rounds,
    flagged,
    missed: [...leaking].filter((n) => !flagged.some((f) => f.name === n)),
    falseAlarms: flagged.filter((f) => !f.leaking).map((f) => f.name),
    report,
  };
}
