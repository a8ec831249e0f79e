// Measures the detection floor of measureGrowth/assertNoLeak: how each calibration case reads
// over repeated runs, and how often assertNoLeak calls it a leak.
// Run after a build: cd packages/memwatch && npx tsup && node bench/calibrate.mjs
import { assertNoLeak } from '../dist/index.js';

const RUNS = Number(process.env.RUNS ?? 10);

const cases = [
  ['no-op', () => () => {}],
  [
    'Map bounded to 1000 keys, churned',
    () => {
      const m = new Map();
      return (i) => void m.set(i % 1000, { i });
    },
  ],
  ...[32, 64, 128, 256].map((n) => [
    `1 small object per ${n} ops`,
    () => {
      const kept = [];
      return (i) => {
        if (i % n === 0) kept.push({ i });
      };
    },
  ]),
  [
    '10-field object per op (~112 B)',
    () => {
      const kept = [];
      return (i) => void kept.push({ a: i, b: i, c: i, d: i, e: i, f: i, g: i, h: i, j: i, k: i });
    },
  ],
];

const fmt = (n) => (Math.abs(n) >= 10 ? n.toFixed(0) : n.toFixed(3));

for (const opsPerSample of [10_000, 1_000]) {
  console.log(`\nopsPerSample ${opsPerSample} (samples 10, warmup 4), ${RUNS} runs each\n`);
  console.log(
    '| case | min B/op | median B/op | max B/op | trend rising | assertNoLeak fails | ms per run |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, make] of cases) {
    const values = [];
    let rising = 0;
    let failed = 0;
    const start = performance.now();
    for (let r = 0; r < RUNS; r++) {
      let m;
      try {
        m = await assertNoLeak(make(), { opsPerSample });
      } catch (error) {
        if (error.code !== 'ERR_LEAK_DETECTED') throw error;
        failed++;
        m = error.measurement;
      }
      values.push(m.bytesPerOp);
      if (m.trend.direction === 'increasing') rising++;
    }
    const ms = (performance.now() - start) / RUNS;
    values.sort((a, b) => a - b);
    console.log(
      `| ${name} | ${fmt(values[0])} | ${fmt(values[RUNS >> 1])} | ${fmt(values[RUNS - 1])} | ${rising}/${RUNS} | ${failed}/${RUNS} | ${ms.toFixed(0)} |`,
    );
  }
}
