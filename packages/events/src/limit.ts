import { MAX_ENTRIES, validatePositiveInteger } from '@leakproof/core';

/** The process-wide listener limit an emitter uses unless it sets its own. */
export const DEFAULT_LISTENER_LIMIT = 1000;

let defaultLimit = DEFAULT_LISTENER_LIMIT;

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
}

/** The process-wide hard listener limit; 1000 unless {@link setDefaultListenerLimit} changed it. */
export function getDefaultListenerLimit(): number {
  return defaultLimit;
}
