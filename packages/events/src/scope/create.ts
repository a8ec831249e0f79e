import { captureStack, onAbort } from '@leakproof/core';
import { ScopeDisposedError } from '../errors.js';
import { disposeState } from './dispose.js';
import { watch } from './leak-detector.js';
import { own } from './ownership.js';
import type { ScopeState } from './types.js';

/**
 * A new scope state, owned by `parent` or `signal` when given, and watched for leaks. A
 * scope whose signal has already aborted is born disposed, and is never added to its
 * parent (it would stay there: nothing would ever dispose it again).
 */
export function createState(
  scope: object,
  parent: ScopeState | undefined,
  signal: AbortSignal | undefined,
  name: string | undefined,
  skipFrames: number,
): ScopeState {
  if (parent?.disposed) throw new ScopeDisposedError();
  const state: ScopeState = {
    slots: [],
    live: 0,
    dead: 0,
    disposed: false,
    name,
    stack: captureStack(skipFrames + 1),
    parent,
    children: undefined,
    controller: undefined,
    signalRef: undefined,
    emitter: undefined,
    emitters: undefined,
    lastTarget: undefined,
    registration: undefined,
    watched: false,
  };
  if (signal?.aborted) {
    state.disposed = true;
    return state;
  }
  if (parent !== undefined) (parent.children ??= new Map()).set(state, scope);
  if (signal !== undefined) {
    // Through core's onAbort: heard even when an earlier 'abort' listener stops propagation.
    const subscription = onAbort(signal, () => disposeState(state));
    state.signalRef = new WeakRef(signal);
    own(signal, state, scope, subscription);
  }
  watch(scope, state, disposeState);
  return state;
}
