import { findLeaks } from './src/index.ts';
import { leakPrograms } from './test/fixtures/leak-programs/programs.mjs';

const p = leakPrograms.find((x) => x.id === process.argv[2]);
const { op } = p.create();
const t0 = performance.now();
const r = await findLeaks(op, { ops: 20000, retainers: process.argv[3] === 'r', top: 1 });
console.log(performance.now() - t0);
for (const s of r.sites) {
  console.log(s.location, s.bytesPerOp.toFixed(1), s.objectsPerOp.toFixed(2));
  console.log(JSON.stringify(s.retainers?.steps.slice(0, 12)));
  console.log(s.retainers?.text);
}
