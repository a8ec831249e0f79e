import type { ScopeState } from './types.js';

/** What a signal owns: each scope it will dispose, with the subscription to remove. */
export interface Owned {
  readonly scope: object;
  readonly subscription: Disposable;
}

/** Scopes kept alive by the signal that owns them: the scope lives as long as its signal. */
export const ownedBySignal = new WeakMap<AbortSignal, Map<ScopeState, Owned>>();

/** Records that `signal` owns `state` (and keeps `scope` alive) until `subscription` is disposed. */
export function own(signal: AbortSignal, state: ScopeState, scope: object, subscription: Disposable): void {
  let owned = ownedBySignal.get(signal);
  if (owned === undefined) ownedBySignal.set(signal, (owned = new Map()));
  owned.set(state, { scope, subscription });
}

/** Ends `signal`'s ownership of `state`, leaving nothing on the signal. */
export function disown(signal: AbortSignal, state: ScopeState): void {
  const owned = ownedBySignal.get(signal);
  if (owned === undefined) return;
  owned.get(state)?.subscription[Symbol.dispose]();
  owned.delete(state);
}
