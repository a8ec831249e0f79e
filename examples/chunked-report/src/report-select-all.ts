// BEFORE: select everything into an array, then build the report. Memory grows with the table.
import type pg from 'pg';
import type { Dataset } from './dataset.js';
import { addMovements, type DailySummary, type Movement, reportLines } from './summary.js';

export async function dailyReportSelectAll(pool: pg.Pool, data: Dataset): Promise<DailySummary[]> {
  const { rows: movements } = await pool.query<Movement>(
    `SELECT id, day::text AS day, sku, qty FROM ${data.movements} ORDER BY id`,
  );
  const { rows: prices } = await pool.query<{ sku: number; unit_cents: number }>(
    `SELECT sku, unit_cents FROM ${data.prices}`,
  );
  const priceBySku = new Map(prices.map((p) => [p.sku, p.unit_cents]));
  return reportLines(addMovements(new Map(), movements, (sku) => priceBySku.get(sku) ?? 0));
}
