import type { Registration } from '@leakproof/core';

/**
 * What a leakproof emitter keeps besides Node's own fields, in one non-enumerable slot
 * so `util.inspect`, `Object.keys` and `for...in` see exactly what they see on a
 * `node:events` emitter. Nothing here is read by `emit`.
 */
export interface EmitterState {
  /** Own hard limit per event; 0 means "the process-wide default". */
  limit: number;
  name: string | undefined;
  limitHits: number;
  /** Live scopes holding at least one listener on this emitter. */
  scopes: number;
  /** Listeners added with `{ signal }` and still attached. */
  bound: number;
  registration: Registration | undefined;
}

/** The key of the slot. */
export const kState: unique symbol = Symbol('leakproof.events.state');

/** Marks the leakproof prototype, so scopes can tell leakproof emitters from others. */
export const kLeakproofEmitter: unique symbol = Symbol('leakproof.events.emitter');

/** The fields of a `node:events` emitter this package reads (never writes). */
export interface NodeEmitterFields {
  _events?: Record<string | symbol, Function | Function[] | undefined> | undefined;
  [kState]?: EmitterState | undefined;
}

/** The emitter's state, created on first use for emitters whose constructor never ran `init`. */
export function stateOf(emitter: NodeEmitterFields): EmitterState {
  let state = emitter[kState];
  if (state === undefined) {
    state = { limit: 0, name: undefined, limitHits: 0, scopes: 0, bound: 0, registration: undefined };
    Object.defineProperty(emitter, kState, {
      value: state,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return state;
}

/** How many listeners `type` has, read straight from Node's storage (no copy). */
export function countOf(emitter: NodeEmitterFields, type: string | symbol): number {
  const events = emitter._events;
  if (events === undefined) return 0;
  const existing = events[type];
  if (existing === undefined) return 0;
  return typeof existing === 'function' ? 1 : existing.length;
}
