import { MAX_ENTRIES, validatePositiveInteger } from '@leakproof/core';

/** The process-wide listener limit an emitter uses unless it sets its own. */
export const DEFAULT_LISTENER_LIMIT = 1000;

/**
 * Emitters register in core's registry when named, or once one of their events holds this
 * many listeners and gets another: registering costs more than constructing a
 * `node:events` emitter many times over, and an emitter with a handful of listeners per
 * event is not where a listener leak hides.
 */
export const REGISTER_AT = 10;

let defaultLimit = DEFAULT_LISTENER_LIMIT;

/**
 * Below this many listeners an add needs no look at the emitter's settings: it is the
 * lower of {@link REGISTER_AT} and the lowest limit ever set anywhere (it only decreases).
 * A live binding, read on every add. @internal
 */
export let busyFloor = REGISTER_AT;

/** Records a limit now in force somewhere. @internal */
export function noteListenerLimit(limit: number): void {
  if (limit < busyFloor) busyFloor = limit;
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
