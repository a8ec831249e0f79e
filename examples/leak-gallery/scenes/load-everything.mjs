// 6. A report built by loading every row into an array first: memory grows with the
// table, not with the report. paginate + chunk stream the rows in bounded batches.
import { text } from '../lib/payload.mjs';

const PAGE = 500;
const REGIONS = ['eu', 'us', 'apac', 'latam', 'mea'];

function row(id) {
  return {
    id,
    region: REGIONS[id % REGIONS.length],
    amountCents: (id * 7_919) % 50_000,
    customer: text(512, id),
  };
}

/** The "database": pages of rows after a cursor, like `WHERE id > $1 ORDER BY id LIMIT $2`. */
function table(total) {
  return async function fetchPage(cursor, { limit }) {
    const start = cursor ?? 0;
    const end = Math.min(total, start + limit);
    const items = [];
    for (let id = start; id < end; id++) items.push(row(id));
    return { items, next: end < total ? end : undefined };
  };
}

function addToReport(report, r) {
  report.set(r.region, (report.get(r.region) ?? 0) + r.amountCents);
}

export default {
  id: 'report',
  title: 'Load-everything report',
  problem: 'A revenue report loads every row of the orders table into one array before summing it.',
  plain: 'const rows = []; for each page: rows.push(...page)',
  leakproof: `chunk(paginate(fetchPage, { limit: ${PAGE} }), { size: ${PAGE} })`,
  requires: ['@leakproof/iter'],
  warmupOps: 2 * PAGE,
  defaultOps: 30_000,
  leakBytesPerOp: 128,
  async run(variant, { totalOps }) {
    const fetchPage = table(totalOps);
    const report = new Map();
    if (variant === 'plain') {
      const rows = [];
      let cursor;
      return {
        async step(_from, to) {
          while (rows.length < to) {
            const page = await fetchPage(cursor, { limit: Math.min(PAGE, to - rows.length) });
            rows.push(...page.items);
            cursor = page.next;
            if (cursor === undefined) break;
          }
        },
        notes() {
          for (const r of rows) addToReport(report, r);
          return [`${rows.length.toLocaleString('en-US')} rows held to sum ${report.size} regions`];
        },
      };
    }
    const { chunk, paginate } = await import('@leakproof/iter');
    const batches = chunk(paginate(fetchPage, { limit: PAGE }), { size: PAGE })[Symbol.asyncIterator]();
    let seen = 0;
    return {
      async step(_from, to) {
        while (seen < to) {
          const { value, done } = await batches.next();
          if (done) break;
          for (const r of value) addToReport(report, r);
          seen += value.length;
        }
      },
      notes: () => [`${seen.toLocaleString('en-US')} rows streamed to sum ${report.size} regions`],
      close: () => batches.return?.(),
    };
  },
};
