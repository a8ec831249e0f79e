import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DAYS, type Dataset, seedDataset } from '../src/dataset.js';
import { measurePeakHeap } from '../src/peak-heap.js';
import { dailyReportChunked } from '../src/report-chunked.js';
import { dailyReportSelectAll } from '../src/report-select-all.js';
import { DEFAULT_DATABASE_URL, tcpAnswers } from './postgres.js';

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const ROWS = 1_000_000;

describe('chunked-report: the daily stock summary over 1M real rows', () => {
  let pool: pg.Pool;
  let data: Dataset;

  beforeAll(async () => {
    if (!(await tcpAnswers(url, 5432))) {
      throw new Error(
        `No PostgreSQL answers at ${url}. Start one (apt-get install -y postgresql, trust auth for user postgres, database test) or set DATABASE_URL.`,
      );
    }
    pool = new pg.Pool({ connectionString: url, max: 5 });
    data = await seedDataset(pool, ROWS);
  }, 120_000);

  afterAll(async () => {
    await data?.drop();
    await pool?.end();
  });

  test('same report; the chunked version peaks at a fraction of the select-everything heap', async () => {
    const chunked = await measurePeakHeap(() => dailyReportChunked(pool, data));
    const selectAll = await measurePeakHeap(() => dailyReportSelectAll(pool, data));

    expect(chunked.result).toEqual(selectAll.result);
    expect(chunked.result).toHaveLength(DAYS);
    expect(chunked.result.reduce((n, line) => n + line.movements, 0)).toBe(ROWS);

    // Measured on the reference machine: about 115 MB for select-everything (it grows with the
    // table) against about 20 MB for the chunked one (one 5000-row page plus 4 chunks, and
    // whatever garbage the young generation holds between scavenges).
    expect(selectAll.peakBytes).toBeGreaterThan(60 * 2 ** 20);
    expect(chunked.peakBytes).toBeLessThan(selectAll.peakBytes / 3);
  }, 120_000);

  test('aborting the chunked report rejects with AbortError and returns every connection', async () => {
    const controller = new AbortController();
    let pages = 0;
    const onPage = () => {
      if (++pages === 5) controller.abort(new Error('report cancelled'));
    };
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    subscribe('leakproof:iter:page', onPage);
    try {
      await expect(dailyReportChunked(pool, data, { signal: controller.signal })).rejects.toMatchObject({
        name: 'AbortError',
      });
    } finally {
      unsubscribe('leakproof:iter:page', onPage);
    }
    expect(pages).toBeLessThan(10);
    // Queries already sent finish on their own; none is left holding a connection.
    for (let i = 0; i < 100 && pool.idleCount !== pool.totalCount; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect(pool.waitingCount).toBe(0);
  });
});
