export { type AssertNoLeakOptions, assertNoLeak } from './assert-no-leak.js';
export { countLive } from './count-live.js';
export { type ExpectCollectedOptions, expectCollected } from './expect-collected.js';
export {
  type FindLeaksOptions,
  findLeaks,
  type LeakReport,
  type LeakSite,
} from './find-leaks/find-leaks.js';
export type { ProfiledSite } from './find-leaks/profile-window.js';
export type { RetainerPath, RetainerStep } from './find-leaks/retainers.js';
export type { StackFrame } from './find-leaks/sites.js';
export { gc } from './gc.js';
export {
  type GovernCheck,
  type GovernMemoryOptions,
  governMemory,
  type MemoryGovernor,
  type MemoryGovernorStats,
} from './govern-memory.js';
export { LeakDetectedError } from './leak-detected-error.js';
export { type MatcherResult, memwatchMatchers } from './matchers.js';
export {
  type GrowthMeasurement,
  type MeasureGrowthOptions,
  type MemorySource,
  measureGrowth,
  type Operation,
} from './measure-growth.js';
export {
  type MemoryProfileHandler,
  type MemoryProfileHandlerOptions,
  type MemoryProfileReport,
  memoryProfileHandler,
} from './memory-profile-handler.js';
export {
  type MemoryStatus,
  type MemoryStatusOptions,
  memoryStatus,
  type PrimitiveStatus,
} from './memory-status.js';
export {
  type MemoryStatusHandler,
  type MemoryStatusHandlerOptions,
  memoryStatusHandler,
  type NodeResponseLike,
  type ReplyLike,
} from './memory-status-handler.js';
export type { HeapSnapshotOption } from './snapshot.js';
export type { TrendTest } from './statistics.js';
export {
  type MemoryWatcher,
  type MemoryWatcherStats,
  type PressureAlarm,
  type TrendAlarm,
  type WatchMemoryOptions,
  watchMemory,
} from './watch-memory.js';
