export { type FleetCliIo, runFleetCli } from './cli.js';
export type { FleetPrimitive } from './scrape.js';
export type { FleetService, FleetVerdict } from './service-history.js';
export { renderTable as formatFleetTable } from './table.js';
export {
  type FleetReport,
  type FleetTarget,
  type FleetWatcher,
  type FleetWatcherStats,
  type WatchFleetOptions,
  watchFleet,
} from './watch-fleet.js';
