// iter suite: chunk vs a hand-written batching loop; mapConcurrent vs p-map's pMapIterable,
// streaming-iterables' parallelMap and Node's Readable.map at the same concurrency; then
// read-ahead and retained heap of each with a stalled consumer.
// Run: npx -y pnpm@10 build && node --expose-gc benchmarks/iter/run.mjs
import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setImmediate as immediate } from 'node:timers/promises';
import { chunk, forEach, mapConcurrent } from '@leakproof/iter';
import { pMapIterable } from 'p-map';
import { parallelMap } from 'streaming-iterables';
import { lineChart } from '../lib/chart.mjs';
import { compare, fmt, heapAfterGC, ratiosTo, resultsDir, writeSuite } from '../lib/harness.mjs';

const quick = process.argv.includes('--quick');
const timing = quick ? { timeMs: 100, rounds: 3, warmupMs: 50 } : { timeMs: 300, rounds: 5, warmupMs: 150 };
const CONCURRENCY = 4;

async function* numbers(n) {
  for (let i = 0; i < n; i++) yield i;
}

// The batching loop people write by hand.
async function* handBatches(source, size) {
  let batch = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function drain(iterable) {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
}

// ---------------------------------------------------------------- chunk throughput
const CHUNK_ITEMS = 20_000;
const CHUNK_SIZE = 100;
const array = Array.from({ length: CHUNK_ITEMS }, (_, i) => i);
const chunkResults = ratiosTo(
  await compare(
    [
      { name: 'leakproof chunk (async source)', fn: () => drain(chunk(numbers(CHUNK_ITEMS), CHUNK_SIZE)) },
      {
        name: 'hand-written loop (async source)',
        fn: () => drain(handBatches(numbers(CHUNK_ITEMS), CHUNK_SIZE)),
      },
      { name: 'leakproof chunk (array source)', fn: () => drain(chunk(array, CHUNK_SIZE)) },
      { name: 'hand-written loop (array source)', fn: () => drain(handBatches(array, CHUNK_SIZE)) },
    ],
    { ...timing, async: true, batch: CHUNK_ITEMS },
  ),
  'leakproof chunk (async source)',
);
const byName = (rows, name) => rows.find((r) => r.name === name);
const chunkRatio = (source) =>
  byName(chunkResults, `leakproof chunk (${source})`).opsPerSec /
  byName(chunkResults, `hand-written loop (${source})`).opsPerSec;

// ---------------------------------------------------------------- mapConcurrent throughput
const impls = {
  'leakproof mapConcurrent': (source, fn) => mapConcurrent(source, fn, { concurrency: CONCURRENCY }),
  "p-map's pMapIterable": (source, fn) => pMapIterable(source, fn, { concurrency: CONCURRENCY }),
  "streaming-iterables' parallelMap": (source, fn) => parallelMap(CONCURRENCY, fn, source),
  "Node's Readable.map": (source, fn) => Readable.from(source).map(fn, { concurrency: CONCURRENCY }),
};

async function mapTable(items, fn) {
  const results = await compare(
    Object.entries(impls).map(([name, make]) => ({ name, fn: () => drain(make(numbers(items), fn)) })),
    { ...timing, async: true, batch: items },
  );
  return ratiosTo(results, 'leakproof mapConcurrent');
}

const microtaskFn = async (x) => x + 1;
const macrotaskFn = async (x) => {
  await immediate();
  return x + 1;
};
const mapMicro = await mapTable(20_000, microtaskFn);
const mapMacro = await mapTable(2_000, macrotaskFn);

// Same order as the source? (all four are ordered by default; checked, not assumed)
const ordered = {};
for (const [name, make] of Object.entries(impls)) {
  const out = [];
  for await (const x of make(numbers(50), async (x) => {
    await new Promise((r) => setTimeout(r, (50 - x) % 5));
    return x;
  }))
    out.push(x);
  ordered[name] = out.every((x, i) => x === i);
}

// ---------------------------------------------------------------- read-ahead and retained heap
const PAYLOAD = 32_768; // doubles: 256 KiB of heap per item
const CONSUMED = 10;

async function stalled(name, make) {
  let pulled = 0;
  async function* payloads() {
    for (let i = 0; i < 1000; i++) {
      pulled++;
      yield new Array(PAYLOAD).fill(i + 0.5);
    }
  }
  const baseline = heapAfterGC();
  const iterable = make(payloads(), async (p) => p);
  const it = iterable[Symbol.asyncIterator]();
  for (let i = 0; i < CONSUMED; i++) await it.next();
  for (let i = 0; i < 50; i++) await immediate();
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 50; i++) await immediate();
  const held = heapAfterGC() - baseline;
  const readAhead = pulled - CONSUMED;
  await it.return?.();
  if (typeof iterable.destroy === 'function') iterable.destroy();
  return { name, readAhead, heldBytes: held };
}

const stalls = [];
for (const [name, make] of Object.entries(impls)) stalls.push(await stalled(name, make));

// ---------------------------------------------------------------- heap over rows (chart)
// The report shape: rows through chunk + mapConcurrent + forEach, against collecting every
// row into an array first. Heap after a forced GC every 100k rows.
const ROWS = quick ? 500_000 : 2_000_000;
const STEP = 100_000;
function* rows(count) {
  for (let id = 0; id < count; id++) yield { id, qty: id % 7 };
}
const sumQty = (batch) => batch.reduce((n, r) => n + r.qty, 0);
const streamedPoints = [];
{
  const base = heapAfterGC();
  let seen = 0;
  streamedPoints.push([0, 0]);
  await forEach(
    mapConcurrent(chunk(rows(ROWS), 1000), async (batch) => sumQty(batch), { concurrency: 4 }),
    () => {
      seen += 1000;
      if (seen % STEP === 0) streamedPoints.push([seen, (heapAfterGC() - base) / 2 ** 20]);
    },
  );
}
const collectedPoints = [];
{
  const base = heapAfterGC();
  const all = [];
  collectedPoints.push([0, 0]);
  for (const row of rows(ROWS)) {
    all.push(row);
    if (all.length % STEP === 0) collectedPoints.push([all.length, (heapAfterGC() - base) / 2 ** 20]);
  }
  sumQty(all);
}
const chartFile = 'iter-heap.svg';
writeFileSync(
  new URL(chartFile, resultsDir),
  lineChart({
    title: `Heap after GC while building a report over ${fmt(ROWS)} rows`,
    xLabel: 'rows processed',
    yLabel: 'retained heap (MB)',
    series: [
      { name: 'leakproof: chunk + mapConcurrent + forEach', points: streamedPoints },
      { name: 'collect every row into an array first', points: collectedPoints },
    ],
  }),
);
const lastOf = (points) => points[points.length - 1][1];

// ---------------------------------------------------------------- report
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ratioCell = (r) => `${r.ratio.toFixed(2)}x`;
const ours = stalls.find((s) => s.name === 'leakproof mapConcurrent');
const smallest = Math.min(...stalls.map((s) => s.readAhead));
const microRatios = mapMicro.filter((r) => r.name !== 'leakproof mapConcurrent');

writeSuite('iter', {
  title: 'iter: chunk and mapConcurrent',
  command: 'node --expose-gc benchmarks/iter/run.mjs',
  tables: [
    {
      title: `chunk(size ${CHUNK_SIZE}) vs a hand-written batching loop, ${fmt(CHUNK_ITEMS)} items per run`,
      columns: ['candidate', 'items/s', 'leakproof ÷ hand-written (same source)'],
      rows: chunkResults.map((r) => {
        const source = r.name.includes('array') ? 'array source' : 'async source';
        return [
          r.name,
          fmt(r.opsPerSec),
          r.name.startsWith('leakproof') ? `${chunkRatio(source).toFixed(2)}x` : '1.00x',
        ];
      }),
      note: `Target: leakproof >= 0.7x the hand-written loop. Async source: ${chunkRatio('async source').toFixed(2)}x; array source: ${chunkRatio('array source').toFixed(2)}x.`,
    },
    {
      title: `mapConcurrent vs the alternatives, concurrency ${CONCURRENCY}, async fn resolving in a microtask`,
      columns: ['candidate', 'items/s', 'leakproof ÷ this', 'ordered output'],
      rows: mapMicro.map((r) => [r.name, fmt(r.opsPerSec), ratioCell(r), ordered[r.name] ? 'yes' : 'no']),
      note: `Target: >= 1.0x each. ${microRatios.map((r) => `${r.name}: ${r.ratio.toFixed(2)}x`).join('; ')}.`,
    },
    {
      title: `mapConcurrent vs the alternatives, concurrency ${CONCURRENCY}, async fn waiting one event-loop turn (I/O-like)`,
      columns: ['candidate', 'items/s', 'leakproof ÷ this'],
      rows: mapMacro.map((r) => [r.name, fmt(r.opsPerSec), ratioCell(r)]),
    },
    {
      title: `Read-ahead and heap held with a stalled consumer (concurrency ${CONCURRENCY}, 256 KiB items, consumer took ${CONSUMED} then stopped)`,
      columns: ['candidate', 'items read ahead', 'heap held after GC'],
      rows: stalls.map((s) => [s.name, String(s.readAhead), mb(s.heldBytes)]),
      note: `Ours must be the smallest or tied: leakproof reads ${ours.readAhead} ahead (smallest: ${smallest}).`,
    },
    {
      title: `Retained heap after ${fmt(ROWS)} rows (see ${chartFile})`,
      columns: ['version', 'heap after GC at the end', 'bytes per row'],
      rows: [
        [
          'leakproof chunk + mapConcurrent + forEach',
          `${lastOf(streamedPoints).toFixed(1)} MB`,
          ((lastOf(streamedPoints) * 2 ** 20) / ROWS).toFixed(2),
        ],
        [
          'collect every row into an array first',
          `${lastOf(collectedPoints).toFixed(1)} MB`,
          ((lastOf(collectedPoints) * 2 ** 20) / ROWS).toFixed(2),
        ],
      ],
    },
  ],
  charts: [chartFile],
  notes: [
    'Each figure is the median of interleaved rounds in one process (benchmarks/lib/harness.mjs).',
    "Readable.map reads through Readable.from's own object buffer (highWaterMark 16) as well as its map queue.",
  ],
});
