import type { Registration } from '@leakproof/core';
import type { NodeEmitterFields } from '../emitter-state.js';

/**
 * The bookkeeping behind a scope, kept apart from the scope object users hold: the leak
 * detector holds this state, so it must never reference the scope object itself (or the
 * scope could never be collected and reported). @internal
 */
export interface ScopeState {
  /** target, event, registered listener; target `undefined` once spent (see listener-storage). */
  slots: unknown[];
  live: number;
  dead: number;
  disposed: boolean;
  readonly name: string | undefined;
  readonly stack: string | undefined;
  readonly parent: ScopeState | undefined;
  /** Child scope objects, kept alive by their parent (a parent owns its children). */
  children: Map<ScopeState, object> | undefined;
  controller: AbortController | undefined;
  /** The owner signal, weakly: the state must not keep it (and through it, the scope) alive. */
  signalRef: WeakRef<AbortSignal> | undefined;
  /** The first leakproof emitter this scope counts itself on, and any others. */
  emitter: NodeEmitterFields | undefined;
  emitters: NodeEmitterFields[] | undefined;
  lastTarget: object | undefined;
  registration: Registration | undefined;
  /** Registered with the leak detector. */
  watched: boolean;
}
