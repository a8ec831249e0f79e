// Plain JavaScript against @leakproof/iter.
import { chunk, mapConcurrent, paginate, reduce } from '@leakproof/iter';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/iter: ${what}`);
};

async function main() {
  const numbers = Array.from({ length: 1000 }, (_, i) => i);
  const sums = mapConcurrent(chunk(numbers, 100), async (batch) => batch.reduce((a, b) => a + b, 0), {
    concurrency: 4,
  });
  check((await reduce(sums, (a, b) => a + b, 0)) === 499_500, 'reduce over chunk + mapConcurrent');

  let pages = 0;
  const stage = paginate(
    async (after, { limit }) => {
      pages++;
      const start = after ?? 0;
      return { items: numbers.slice(start, start + limit), next: start + limit };
    },
    { limit: 10 },
  );
  for await (const n of stage) if (n === 3) break;
  await stage[Symbol.asyncDispose]();
  check(pages === 1, `one page fetched before the break, got ${pages}`);
}

main().then(
  () => console.log('ok @leakproof/iter'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
