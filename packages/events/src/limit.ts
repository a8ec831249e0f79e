import { MAX_ENTRIES, validatePositiveInteger } from '@leakproof/core';

/** The process-wide listener limit an emitter uses unless it sets its own. */
export const DEFAULT_LISTENER_LIMIT = 1000;

let defaultLimit = DEFAULT_LISTENER_LIMIT;
let lowest = DEFAULT_LISTENER_LIMIT;

/**
 * The lowest limit any emitter may be enforcing (only ever decreases). An add to an event
 * with fewer listeners than this cannot hit a limit, so it skips the per-emitter lookup.
 * @internal
 */
export function lowestListenerLimit(): number {
  return lowest;
}

/** Records a limit now in force somewhere. @internal */
export function noteListenerLimit(limit: number): void {
  if (limit < lowest) lowest = limit;
}

/**
 * Sets the process-wide hard listener limit (per event, per emitter) that every
 * leakproof `EventEmitter` without its own limit enforces.
 *
 * @example
 * ```ts
 * setDefaultListenerLimit(5000);
 * ```
 */
export function setDefaultListenerLimit(limit: number): void {
  defaultLimit = validatePositiveInteger(limit, 'limit', MAX_ENTRIES);
  noteListenerLimit(defaultLimit);
}

/** The process-wide hard listener limit; 1000 unless {@link setDefaultListenerLimit} changed it. */
export function getDefaultListenerLimit(): number {
  return defaultLimit;
}
