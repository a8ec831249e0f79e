// Seeds 1M movements, builds the daily report both ways, prints peak heap and time, cleans up.
// Run: npm start (from this example's folder; it passes --expose-gc)
import pg from 'pg';
import { seedDataset } from './dataset.js';
import { measurePeakHeap } from './peak-heap.js';
import { dailyReportChunked } from './report-chunked.js';
import { dailyReportSelectAll } from './report-select-all.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const rows = Number(process.env.ROWS ?? 1_000_000);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

const pool = new pg.Pool({ connectionString: url, max: 5 });
const data = await seedDataset(pool, rows);
try {
  const chunked = await measurePeakHeap(() => dailyReportChunked(pool, data));
  const selectAll = await measurePeakHeap(() => dailyReportSelectAll(pool, data));
  const same = JSON.stringify(chunked.result) === JSON.stringify(selectAll.result);
  console.log(
    `daily stock summary over ${rows} movements (${chunked.result.length} days); same report: ${same}`,
  );
  console.table([
    { version: 'select everything', peakHeap: mb(selectAll.peakBytes), ms: Math.round(selectAll.ms) },
    {
      version: 'paginate + chunk + mapConcurrent',
      peakHeap: mb(chunked.peakBytes),
      ms: Math.round(chunked.ms),
    },
  ]);
  console.log(chunked.result.slice(0, 3));
} finally {
  await data.drop();
  await pool.end();
}
