import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type FleetReport, runFleetCli } from '../../src/fleet/index.js';
import { type FakeService, fakeService, flat, rising } from './fake-services.js';

const open: FakeService[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A stream that collects what is written, and tells when a line matching `until` arrives. */
function capture() {
  const stream = new PassThrough();
  let text = '';
  const waiters: { test: (t: string) => boolean; resolve: () => void }[] = [];
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters.splice(0)) {
      if (w.test(text)) w.resolve();
      else waiters.push(w);
    }
  });
  return {
    stream,
    text: () => text,
    until: (test: (t: string) => boolean) =>
      new Promise<void>((resolve) => {
        if (test(text)) resolve();
        else waiters.push({ test, resolve });
      }),
  };
}

async function fleetOf(): Promise<string[]> {
  const leaky = await fakeService(rising(100_000));
  const healthy = await fakeService(flat());
  open.push(leaky, healthy);
  return [`orders=${leaky.url}`, `catalog=${healthy.url}/status/memory`];
}

describe('memwatch fleet (runFleetCli)', () => {
  it('prints one JSON report per round with --json, names the leaking service, and exits 1 with --fail-on-leak', async () => {
    const out = capture();
    const err = capture();
    const controller = new AbortController();
    const lines = (t: string) => t.split('\n').filter(Boolean);
    const code = runFleetCli(['--json', '--interval', '5', '--fail-on-leak', ...(await fleetOf())], {
      stdout: out.stream,
      stderr: err.stream,
      signal: controller.signal,
    });
    await out.until((t) => lines(t).length >= 15);
    controller.abort();
    expect(await code).toBe(1);
    const reports = lines(out.text()).map((l) => JSON.parse(l) as FleetReport);
    const last = reports[reports.length - 1]!;
    expect(last.services.map((s) => [s.name, s.verdict])).toEqual([
      ['orders', 'leaking'],
      ['catalog', 'ok'],
    ]);
    expect(err.text()).toMatch(/orders flagged as leaking after \d+ s/);
  });

  it('prints the ranking as a table, and exits 0 when nothing leaks', async () => {
    const healthy = await fakeService(flat());
    open.push(healthy);
    const out = capture();
    const err = capture();
    const controller = new AbortController();
    const code = runFleetCli(['--interval', '5', '--fail-on-leak', `catalog=${healthy.url}`], {
      stdout: out.stream,
      stderr: err.stream,
      signal: controller.signal,
    });
    await out.until((t) => t.includes('round 3,'));
    controller.abort();
    expect(await code).toBe(0);
    expect(out.text()).toMatch(
      /#\s+service\s+verdict\s+heap after GC\s+growth\s+to limit\s+pressure\s+biggest primitives/,
    );
    expect(out.text()).toMatch(/1\s+catalog\s+warming\s+20 MB/);
    expect(err.text()).toMatch(/no service flagged/);
  });

  it('takes its targets and options from --config', async () => {
    const [orders, catalog] = await fleetOf();
    const dir = await mkdtemp(join(tmpdir(), 'fleet-config-'));
    try {
      const file = join(dir, 'fleet.json');
      const [name, url] = orders!.split('=') as [string, string];
      writeFileSync(file, JSON.stringify({ targets: [{ name, url }], intervalMs: 5, history: 50 }));
      const out = capture();
      const controller = new AbortController();
      const code = runFleetCli(['--config', file, '--json', catalog!], {
        stdout: out.stream,
        stderr: capture().stream,
        signal: controller.signal,
      });
      await out.until((t) => t.split('\n').filter(Boolean).length >= 2);
      controller.abort();
      expect(await code).toBe(0);
      const report = JSON.parse(out.text().split('\n')[0]!) as FleetReport;
      expect(report.services.map((s) => s.name).sort()).toEqual(['catalog', 'orders']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the page and the ranking as JSON with --serve', async () => {
    const err = capture();
    const controller = new AbortController();
    const code = runFleetCli(['--serve', '0', '--interval', '5', ...(await fleetOf())], {
      stdout: capture().stream,
      stderr: err.stream,
      signal: controller.signal,
    });
    await err.until((t) => /page at (http:\S+)/.test(t));
    const page = /page at (http:\S+)/.exec(err.text())![1]!;
    const html = await fetch(page);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain('<table id="ranking">');
    const json = (await (await fetch(new URL('fleet.json?history=1', page))).json()) as FleetReport;
    expect(json.services.map((s) => s.name).sort()).toEqual(['catalog', 'orders']);
    expect((await fetch(new URL('elsewhere', page))).status).toBe(404);
    expect((await fetch(page, { method: 'POST' })).status).toBe(405);
    controller.abort();
    expect(await code).toBe(0);
    // Closed with the command.
    await expect(fetch(page)).rejects.toThrow();
  });

  it('explains bad usage and exits 2', async () => {
    for (const args of [
      [],
      ['--interval', 'soon', 'http://127.0.0.1:9'],
      ['--nope'],
      ['ftp://x'],
      ['--config', '/nonexistent/fleet.json'],
    ]) {
      const err = capture();
      expect(await runFleetCli(args, { stdout: capture().stream, stderr: err.stream }), args.join(' ')).toBe(
        2,
      );
      expect(err.text()).toMatch(/^memwatch fleet: /);
    }
    const out = capture();
    expect(await runFleetCli(['--help'], { stdout: out.stream })).toBe(0);
    expect(out.text()).toContain('Usage: memwatch fleet');
  });
});
