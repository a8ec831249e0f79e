// Seeds the example's own tables (unique names, so parallel runs never collide) and drops them.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';

/** The two tables a run works on. */
export interface Dataset {
  /** Stock movements: `id` (keyset), `day`, `sku`, `qty` (positive in, negative out). */
  readonly movements: string;
  /** Current unit price per SKU, in cents. */
  readonly prices: string;
  readonly rows: number;
  /** Drops both tables. */
  drop(): Promise<void>;
}

/** The SKUs the seed spreads movements over. */
export const SKUS = 5000;
/** The days the seed spreads movements over, from 2026-01-01. */
export const DAYS = 90;

/**
 * Creates `<prefix>_movements` with `rows` movements and `<prefix>_prices`, both filled
 * by `generate_series` inside PostgreSQL (a million rows in a few seconds).
 */
export async function seedDataset(pool: pg.Pool, rows: number): Promise<Dataset> {
  const prefix = `chunked_report_${process.pid}_${randomBytes(4).toString('hex')}`;
  const movements = `${prefix}_movements`;
  const prices = `${prefix}_prices`;
  const drop = async (): Promise<void> => {
    await pool.query(`DROP TABLE IF EXISTS ${movements}, ${prices}`);
  };
  try {
    await pool.query(
      `CREATE TABLE ${movements} (id integer PRIMARY KEY, day date NOT NULL, sku integer NOT NULL, qty integer NOT NULL)`,
    );
    await pool.query(`CREATE TABLE ${prices} (sku integer PRIMARY KEY, unit_cents integer NOT NULL)`);
    await pool.query(
      `INSERT INTO ${movements} (id, day, sku, qty)
       SELECT g, DATE '2026-01-01' + (g % ${DAYS}), g % ${SKUS}, ((g::bigint * 7919) % 201)::integer - 100
       FROM generate_series(1, $1::integer) AS g`,
      [rows],
    );
    await pool.query(
      `INSERT INTO ${prices} (sku, unit_cents) SELECT s, 100 + (s * 37) % 900 FROM generate_series(0, $1::integer) AS s`,
      [SKUS - 1],
    );
    await pool.query(`ANALYZE ${movements}`);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { movements, prices, rows, drop };
}
