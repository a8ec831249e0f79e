import { SuppressedError } from '@leakproof/core';
import { unwatch } from './leak-detector.js';
import { drain, untrack } from './listener-storage.js';
import { disown } from './ownership.js';
import { removeFrom } from './targets.js';
import type { ScopeState } from './types.js';

function combine(previous: { error: unknown } | undefined, error: unknown): { error: unknown } {
  return { error: previous === undefined ? error : new SuppressedError(error, previous.error) };
}

/**
 * Disposes a scope: children first (newest first), then its own listeners last-in-first-out,
 * then it leaves its parent and its signal, and its own signal aborts. Idempotent. Every
 * removal is attempted even if one throws; the errors are rethrown afterwards, chained as
 * `SuppressedError`s.
 */
export function disposeState(state: ScopeState): void {
  if (state.disposed) return;
  state.disposed = true;
  unwatch(state);
  let failure: { error: unknown } | undefined;
  const children = state.children;
  if (children !== undefined) {
    state.children = undefined;
    const list = [...children.keys()];
    for (let i = list.length - 1; i >= 0; i--) {
      try {
        disposeState(list[i]!);
      } catch (error) {
        failure = combine(failure, error);
      }
    }
  }
  drain(state, (target, type, registered) => {
    try {
      removeFrom(target, type, registered);
    } catch (error) {
      failure = combine(failure, error);
    }
  });
  state.parent?.children?.delete(state);
  const signal = state.signalRef?.deref();
  state.signalRef = undefined;
  if (signal !== undefined) disown(signal, state);
  untrack(state);
  state.registration?.unregister();
  state.registration = undefined;
  state.controller?.abort();
  if (failure !== undefined) throw failure.error;
}
