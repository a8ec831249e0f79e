export { type AssertNoLeakOptions, assertNoLeak } from './assert-no-leak.js';
export { gc } from './gc.js';
export { LeakDetectedError } from './leak-detected-error.js';
export {
  type GrowthMeasurement,
  type MeasureGrowthOptions,
  type MemorySource,
  measureGrowth,
  type Operation,
} from './measure-growth.js';
export type { TrendTest } from './statistics.js';
