// The same stream of distinct amounts through an unbounded memo and through memoize().
//
//   npm start (from this example's folder)
import { measureGrowth } from '@leakproof/memwatch';
import { boundedPriceTable, leakyPriceTable, leakyTableCount, rate, rateCalls } from './exchange-rates.js';

const options = { samples: 8, opsPerSample: 5_000, warmup: 2 };
const before = await measureGrowth((i) => leakyPriceTable(i), options);
const after = await measureGrowth((i) => boundedPriceTable(i), options);
console.table({
  'Map memo': { 'bytes/call': Math.round(before.bytesPerOp), 'results held': leakyTableCount() },
  memoize: { 'bytes/call': Math.round(after.bytesPerOp), 'results held': boundedPriceTable.cache.size },
});

const [a, b] = await Promise.all([rate('EUR', 'USD'), rate('EUR', 'USD')]);
console.log(`EUR→USD ${a} and ${b} from ${rateCalls()} remote call`);
