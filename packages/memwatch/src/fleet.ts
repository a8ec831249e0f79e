/**
 * `@leakproof/memwatch/fleet`: watch many services' `/status/memory` and rank them by leak
 * risk, from code (`watchFleet`) or from the command line (`runFleetCli`, `memwatch fleet`).
 */
export * from './fleet/index.js';
