import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleetCli } from '../../src/fleet/index.js';
import { type FakeService, fakeService, flat, rising } from './fake-services.js';

// Debian's Chromium: `apt-get install -y chromium`. playwright-core brings no browser of its own.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('the fleet page, in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the ranking, leaking service first, and a chart of heap after GC per service', async () => {
    const services: FakeService[] = [
      await fakeService(flat()),
      await fakeService(rising(100_000)),
      await fakeService(flat(300_000)),
    ];
    const stderr = new PassThrough();
    let err = '';
    const pageUrl = new Promise<string>((resolve) => {
      stderr.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const match = /page at (http:\S+)/.exec(err);
        if (match) resolve(match[1]!);
      });
    });
    const controller = new AbortController();
    const code = runFleetCli(
      [
        '--serve',
        '0',
        '--interval',
        '20',
        `catalog=${services[0]!.url}`,
        `orders=${services[1]!.url}`,
        `checkout=${services[2]!.url}`,
      ],
      { stdout: new PassThrough().resume(), stderr, signal: controller.signal },
    );
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(await pageUrl);
      await page.waitForSelector('#ranking tr[data-verdict="leaking"]');
      const rows = await page.$$eval('#ranking tbody tr', (trs) =>
        trs.map((tr) => [tr.getAttribute('data-service'), tr.getAttribute('data-verdict')]),
      );
      expect(rows[0]).toEqual(['orders', 'leaking']);
      expect(
        rows
          .slice(1)
          .map((r) => r[0])
          .sort(),
      ).toEqual(['catalog', 'checkout']);
      expect(rows.slice(1).map((r) => r[1])).not.toContain('leaking');
      const cells = await page.$$eval('#ranking tbody tr:first-child td', (tds) =>
        tds.map((td) => td.textContent),
      );
      expect(cells[0]).toBe('1');
      expect(cells[4]).toMatch(/^\d+ KB\/s$/);
      // One chart per service, in ranking order, each a line through the samples.
      const charts = await page.$$eval('#charts figure', (figures) =>
        figures.map((f) => ({
          service: f.getAttribute('data-service'),
          points: f.querySelector('polyline')?.getAttribute('points')?.split(' ').length ?? 0,
        })),
      );
      expect(charts.map((c) => c.service)).toEqual(rows.map((r) => r[0]));
      for (const chart of charts) expect(chart.points).toBeGreaterThan(2);
      if (process.env.FLEET_SCREENSHOT)
        await page.screenshot({ path: process.env.FLEET_SCREENSHOT, fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      controller.abort();
      await code;
      await Promise.all(services.map((s) => s.close()));
    }
  });
});
