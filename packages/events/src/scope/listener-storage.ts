import { kLeakproofEmitter, type NodeEmitterFields, stateOf } from '../emitter-state.js';
import type { ScopeState } from './types.js';

/**
 * What a scope remembers of the listeners it added. Each listener takes three consecutive
 * slots of one flat array — target, event, registered function — which costs less than an
 * object per listener. A spent entry (a `once` that fired, an `off`) has its target set to
 * `undefined`; the array is compacted when most entries are spent, so long-lived scopes
 * that keep adding `once` listeners do not grow.
 */

export const STRIDE = 3;

/** The slot of a `once` wrapper, so it can mark its entry spent when it fires. */
export const kSlot: unique symbol = Symbol('leakproof.events.slot');

/** A wrapper a scope registers for `once`: Node's shape (`.listener`) plus its slot. */
export type OnceWrapper = Function & { listener: unknown; [kSlot]: number };

/** Records a registration; the scope counts itself on each leakproof emitter it touches. */
export function record(state: ScopeState, target: object, type: string | symbol, registered: unknown): void {
  state.slots.push(target, type, registered);
  state.live++;
  if (target !== state.lastTarget) track(state, target);
}

function track(state: ScopeState, target: object): void {
  state.lastTarget = target;
  if ((target as { [kLeakproofEmitter]?: boolean | undefined })[kLeakproofEmitter] !== true) return;
  const emitter = target as NodeEmitterFields;
  if (state.emitter === emitter || state.emitters?.includes(emitter)) return;
  if (state.emitter === undefined) state.emitter = emitter;
  else (state.emitters ??= []).push(emitter);
  stateOf(emitter).scopes++;
}

/** Marks a fired `once` wrapper's entry spent. */
export function forget(state: ScopeState, wrapper: OnceWrapper): void {
  const slots = state.slots;
  const at = wrapper[kSlot];
  if (slots[at + 2] !== wrapper || slots[at] === undefined) return;
  slots[at] = undefined;
  spend(state);
}

function spend(state: ScopeState): void {
  state.live--;
  state.dead++;
  if (state.dead > 16 && state.dead > state.live) compact(state);
}

function compact(state: ScopeState): void {
  const slots = state.slots;
  let to = 0;
  for (let from = 0; from < slots.length; from += STRIDE) {
    if (slots[from] === undefined) continue;
    const registered = slots[from + 2];
    if (typeof registered === 'function' && kSlot in registered) (registered as OnceWrapper)[kSlot] = to;
    slots[to] = slots[from];
    slots[to + 1] = slots[from + 1];
    slots[to + 2] = registered;
    to += STRIDE;
  }
  slots.length = to;
  state.dead = 0;
}

/**
 * Forgets the newest registration of `listener` (or of a wrapper around it) for `type` on
 * `target`, returning what was registered, or `undefined` if the scope holds none.
 */
export function take(
  state: ScopeState,
  target: object,
  type: string | symbol,
  listener: unknown,
): unknown | undefined {
  const slots = state.slots;
  for (let i = slots.length - STRIDE; i >= 0; i -= STRIDE) {
    // Spent entries have an undefined target, so they never match.
    if (slots[i] !== target || slots[i + 1] !== type) continue;
    const registered = slots[i + 2];
    if (registered !== listener && (registered as { listener?: unknown }).listener !== listener) continue;
    slots[i] = undefined;
    spend(state);
    return registered;
  }
  return undefined;
}

/** Hands every live entry, newest first, to `each`, and leaves the scope holding nothing. */
export function drain(
  state: ScopeState,
  each: (target: object, type: string | symbol, registered: unknown) => void,
): void {
  const slots = state.slots;
  state.slots = [];
  state.live = 0;
  state.dead = 0;
  for (let i = slots.length - STRIDE; i >= 0; i -= STRIDE) {
    const target = slots[i] as object | undefined;
    if (target !== undefined) each(target, slots[i + 1] as string | symbol, slots[i + 2]);
  }
}

/** Uncounts the scope on every leakproof emitter it touched. */
export function untrack(state: ScopeState): void {
  if (state.emitter !== undefined) {
    stateOf(state.emitter).scopes--;
    state.emitter = undefined;
  }
  if (state.emitters !== undefined) {
    for (const emitter of state.emitters) stateOf(emitter).scopes--;
    state.emitters = undefined;
  }
  state.lastTarget = undefined;
}
