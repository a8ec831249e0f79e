// Runs the same crawl (every request a product nobody asked for before) through the
// leaky Map cache and through BoundedMap, and prints heap growth per request after GC.
//
//   npm start (from this example's folder)
import { measureGrowth } from '@leakproof/memwatch';
import * as bounded from './bounded-lookup.js';
import * as leaky from './leaky-lookup.js';

const options = { samples: 8, opsPerSample: 2_000, warmup: 2 };
const before = await measureGrowth((i) => leaky.getProduct(`crawl-${i}`), options);
const after = await measureGrowth((i) => bounded.getProduct(`crawl-${i}`), options);

console.table({
  'new Map()': { 'bytes/request': Math.round(before.bytesPerOp), 'products held': leaky.cachedProducts() },
  BoundedMap: { 'bytes/request': Math.round(after.bytesPerOp), 'products held': bounded.cachedProducts() },
});
console.log('BoundedMap stats:', bounded.cacheStats());
