// @leakproof/iter as its README shows it: paginate, chunk, mapConcurrent, reduce, and a stage
// closed by `await using`.
import { chunk, mapConcurrent, paginate, reduce } from '@leakproof/iter';

function check(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(`@leakproof/iter: ${what}`);
}

interface Row {
  readonly id: number;
  readonly qty: number;
}

const table: Row[] = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, qty: i % 7 }));

async function fetchRows(afterId: number | undefined, limit: number): Promise<Row[]> {
  const start = afterId ?? 0;
  return table.filter((row) => row.id > start).slice(0, limit);
}

async function main(): Promise<void> {
  const rows = paginate<Row, number>(
    async (afterId, { limit }) => {
      const page = await fetchRows(afterId, limit);
      return { items: page, next: page.length === limit ? page.at(-1)?.id : undefined };
    },
    { limit: 500 },
  );
  const partials = mapConcurrent(
    chunk(rows, 100),
    async (batch) => batch.reduce((n, row) => n + row.qty, 0),
    {
      concurrency: 4,
    },
  );
  const total = await reduce(partials, (sum, part) => sum + part, 0);
  check(total === table.reduce((n, row) => n + row.qty, 0), `reduce over the pipeline, got ${total}`);

  let pages = 0;
  {
    await using stage = paginate<Row, number>(
      async (afterId, { limit }) => {
        pages++;
        const page = await fetchRows(afterId, limit);
        return { items: page, next: page.length === limit ? page.at(-1)?.id : undefined };
      },
      { limit: 10 },
    );
    for await (const row of stage) {
      if (row.id === 3) break;
    }
  }
  check(pages === 1, `await using closed the stage after one page, fetched ${pages}`);
}

main().then(
  () => console.log('ok @leakproof/iter'),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
