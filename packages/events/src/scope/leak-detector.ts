import { diagnosticsChannel, emitLeakproofWarning, publish } from '@leakproof/core';
import type { ScopeState } from './types.js';

/**
 * Reports scopes garbage-collected without being disposed, and removes their listeners.
 *
 * The `FinalizationRegistry` holds the scope's state, never the scope object (or the scope
 * could never be collected). Registering costs about as much as adding and removing a
 * handful of listeners, and a scope disposed before the current macrotask ends cannot have
 * been dropped undisposed, so registration waits in a fixed ring for the next turn of the
 * event loop and is skipped for scopes disposed by then.
 */

const leakChannel = diagnosticsChannel('events', 'scope-leaked');

let cleanup: (state: ScopeState) => void = () => {};

const registry = new FinalizationRegistry<ScopeState>((state) => {
  if (state.disposed) return;
  const held = heldCount(state);
  if (held > 0) {
    const label = state.name === undefined ? 'A ListenerScope' : `ListenerScope \`${state.name}\``;
    emitLeakproofWarning(
      `${label} was garbage-collected without being disposed; its ${held} listener(s) have been removed. Dispose scopes when their work ends (scope.dispose(), \`using\`, or a signal).`,
      'LEAKPROOF_SCOPE_LEAKED',
      state.stack === undefined ? undefined : `Scope created at:\n${state.stack}`,
    );
    publish(leakChannel, () => ({ name: state.name, listeners: held, stack: state.stack }));
  }
  try {
    cleanup(state);
  } catch {
    // A throwing removeListener in a finalizer has nobody to report to; the rest were removed.
  }
});

function heldCount(state: ScopeState): number {
  let n = state.live;
  if (state.children !== undefined) for (const child of state.children.keys()) n += heldCount(child);
  return n;
}

// A fixed ring of (scope, state) pairs, allocated once: growing and dropping arrays here
// would add garbage to every scope.
const RING = 256;
const ring: Array<object | ScopeState | undefined> = new Array(RING * 2).fill(undefined);
let queued = 0;
let flushScheduled = false;

/**
 * Watches `scope` for being collected undisposed; `dispose` removes a leaked scope's
 * listeners. Registration happens on the next turn of the event loop, or when 256 newer
 * scopes are waiting (a long synchronous run must not hold many disposed scopes).
 */
export function watch(scope: object, state: ScopeState, dispose: (state: ScopeState) => void): void {
  cleanup = dispose;
  const at = queued * 2;
  ring[at] = scope;
  ring[at + 1] = state;
  if (++queued === RING) {
    flush();
    return;
  }
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      flush();
    }).unref();
  }
}

function flush(): void {
  const n = queued * 2;
  queued = 0;
  for (let i = 0; i < n; i += 2) {
    const scope = ring[i] as object;
    const state = ring[i + 1] as ScopeState;
    ring[i] = undefined;
    ring[i + 1] = undefined;
    if (state.disposed) continue;
    registry.register(scope, state, state);
    state.watched = true;
  }
}

/** Stops watching a scope being disposed. */
export function unwatch(state: ScopeState): void {
  if (!state.watched) return;
  state.watched = false;
  registry.unregister(state);
}
