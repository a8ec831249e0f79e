// AFTER: keyset pages, chunks, bounded concurrency. Memory is one page plus `concurrency` chunks.
import { chunk, mapConcurrent, paginate, reduce } from '@leakproof/iter';
import type pg from 'pg';
import type { Dataset } from './dataset.js';
import {
  addMovements,
  type DailySummary,
  type Movement,
  mergeSummary,
  reportLines,
  type Summary,
} from './summary.js';

export interface ChunkedReportOptions {
  /** Rows per keyset page. */
  readonly pageSize?: number;
  /** Movements valued together (one price lookup per chunk). */
  readonly chunkSize?: number;
  /** Chunks valued at once (price lookups in flight). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

export async function dailyReportChunked(
  pool: pg.Pool,
  data: Dataset,
  { pageSize = 5000, chunkSize = 1000, concurrency = 4, signal }: ChunkedReportOptions = {},
): Promise<DailySummary[]> {
  const movements = paginate<Movement, number>(
    async (afterId, { limit, signal }) => {
      signal.throwIfAborted();
      const { rows } = await pool.query<Movement>(
        `SELECT id, day::text AS day, sku, qty FROM ${data.movements} WHERE id > $1 ORDER BY id LIMIT $2`,
        [afterId ?? 0, limit],
      );
      return { items: rows, next: rows.length === limit ? rows[rows.length - 1]!.id : undefined };
    },
    { limit: pageSize, signal },
  );

  const partials = mapConcurrent(
    chunk(movements, chunkSize),
    async (batch, { signal }) => {
      signal.throwIfAborted();
      const skus = [...new Set(batch.map((m) => m.sku))];
      const { rows } = await pool.query<{ sku: number; unit_cents: number }>(
        `SELECT sku, unit_cents FROM ${data.prices} WHERE sku = ANY($1::integer[])`,
        [skus],
      );
      const priceBySku = new Map(rows.map((p) => [p.sku, p.unit_cents]));
      return addMovements(new Map(), batch, (sku) => priceBySku.get(sku) ?? 0);
    },
    { concurrency, signal },
  );

  return reportLines(await reduce(partials, mergeSummary, new Map() as Summary));
}
