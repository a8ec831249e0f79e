import {
  captureStack,
  diagnosticsChannel,
  emitLeakproofWarning,
  invalidArgType,
  publish,
  type Registration,
  SuppressedError,
} from '@leakproof/core';
import { kLeakproofEmitter, type NodeEmitterFields, stateOf } from './emitter-state.js';
import { ScopeDisposedError } from './errors.js';

/**
 * The bookkeeping behind a scope, kept apart from the scope object users hold: the
 * leak detector's `FinalizationRegistry` holds this state, so it must never reference
 * the scope object itself (or the scope could never be collected and reported).
 */

type Fn = (...args: never[]) => unknown;
/** What a scope accepts as a target: a Node-style emitter or an `EventTarget`. */
export type ScopeTarget = object;
/** A listener as a scope accepts it: a function, or (for an `EventTarget`) an `EventListenerObject`. */
export type ScopeListener = Function | { handleEvent(event: Event): unknown };

interface EmitterTarget {
  on(type: string | symbol, listener: Function): unknown;
  removeListener(type: string | symbol, listener: Function): unknown;
}
interface DomTarget {
  addEventListener(type: string, listener: unknown, options?: unknown): void;
  removeEventListener(type: string, listener: unknown): void;
}

/** 0: a Node-style emitter; 1: an `EventTarget`. */
type Kind = 0 | 1;
const Emitter: Kind = 0;
const DomEventTarget: Kind = 1;

interface Entry {
  /** `undefined` once the listener has gone on its own (a `once` that fired). */
  target: object | undefined;
  readonly kind: Kind;
  readonly type: string | symbol;
  /** What was registered (the `once` wrapper, or the listener itself). */
  readonly registered: unknown;
  /** What the user passed. */
  readonly listener: ScopeListener;
}

export interface ScopeState {
  entries: Entry[];
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
  onSignalAbort: (() => void) | undefined;
  /** Leakproof emitters this scope counts itself on. */
  emitters: NodeEmitterFields[] | undefined;
  lastEmitter: object | undefined;
  registration: Registration | undefined;
  /** Registered with the leak detector (see {@link watch}). */
  watched: boolean;
}

const leakChannel = diagnosticsChannel('events', 'scope-leaked');

/** Scopes kept alive by the signal that owns them: the scope lives as long as its signal. */
const ownedBySignal = new WeakMap<AbortSignal, Map<ScopeState, object>>();

const leaks = new FinalizationRegistry<ScopeState>((state) => {
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
    disposeState(state);
  } catch {
    // A throwing removeListener in a finalizer has nobody to report to; the rest were removed.
  }
});

function heldCount(state: ScopeState): number {
  let n = state.live;
  if (state.children !== undefined) for (const child of state.children.keys()) n += heldCount(child);
  return n;
}

/** A new scope state, owned by `parent` or `signal` when given, watched for leaks otherwise too. */
export function createState(
  scope: object,
  parent: ScopeState | undefined,
  signal: AbortSignal | undefined,
  name: string | undefined,
  skipFrames: number,
): ScopeState {
  const state: ScopeState = {
    entries: [],
    live: 0,
    dead: 0,
    disposed: false,
    name,
    stack: captureStack(skipFrames + 1),
    parent,
    children: undefined,
    controller: undefined,
    signalRef: undefined,
    onSignalAbort: undefined,
    emitters: undefined,
    lastEmitter: undefined,
    registration: undefined,
    watched: false,
  };
  if (parent !== undefined) {
    if (parent.disposed) throw new ScopeDisposedError();
    (parent.children ??= new Map()).set(state, scope);
  }
  if (signal !== undefined) {
    if (signal.aborted) {
      state.disposed = true;
      return state;
    }
    const onAbort = (): void => disposeState(state);
    signal.addEventListener('abort', onAbort, { once: true });
    state.signalRef = new WeakRef(signal);
    state.onSignalAbort = onAbort;
    let owned = ownedBySignal.get(signal);
    if (owned === undefined) ownedBySignal.set(signal, (owned = new Map()));
    owned.set(state, scope);
  }
  watch(scope, state);
  return state;
}

// Registering with a FinalizationRegistry (and unregistering on dispose) costs about as
// much as adding and removing a handful of listeners. A scope disposed before the current
// macrotask ends cannot have been dropped undisposed, so registration waits for the next
// turn of the event loop and is skipped for scopes already disposed by then.
let pending: Array<object | ScopeState> = [];
let flushScheduled = false;

function watch(scope: object, state: ScopeState): void {
  pending.push(scope, state);
  // A long synchronous run must not hold thousands of disposed scopes for the GC to trace:
  // flush every 256 scopes (the ones still live by then get registered).
  if (pending.length >= 512) {
    flushPending();
    return;
  }
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      flushPending();
    }).unref();
  }
}

function flushPending(): void {
  const list = pending;
  pending = [];
  for (let i = 0; i < list.length; i += 2) {
    const state = list[i + 1] as ScopeState;
    if (state.disposed) continue;
    leaks.register(list[i]!, state, state);
    state.watched = true;
  }
}

function isEmitter(target: object): target is EmitterTarget {
  const t = target as Partial<EmitterTarget>;
  return typeof t.on === 'function' && typeof t.removeListener === 'function';
}

function isEventTarget(target: object): target is DomTarget {
  const t = target as Partial<DomTarget>;
  return typeof t.addEventListener === 'function' && typeof t.removeEventListener === 'function';
}

function forget(state: ScopeState, entry: Entry): void {
  if (entry.target === undefined) return;
  entry.target = undefined;
  state.live--;
  state.dead++;
  // Long-lived scopes that keep adding `once` listeners must not grow: compact when
  // most entries are spent.
  if (state.dead > 16 && state.dead > state.live) {
    state.entries = state.entries.filter((e) => e.target !== undefined);
    state.dead = 0;
  }
}

function track(state: ScopeState, target: object): void {
  if (target === state.lastEmitter) return;
  state.lastEmitter = target;
  if ((target as { [kLeakproofEmitter]?: boolean })[kLeakproofEmitter] !== true) return;
  const emitters = (state.emitters ??= []);
  if (emitters.includes(target as NodeEmitterFields)) return;
  emitters.push(target as NodeEmitterFields);
  stateOf(target as NodeEmitterFields).scopes++;
}

/** Adds `listener` to `target` and records it, or throws leaving nothing behind. */
export function attach(
  state: ScopeState,
  target: object,
  type: string | symbol,
  listener: ScopeListener,
  once: boolean,
): void {
  if (state.disposed) throw new ScopeDisposedError();
  if (typeof target !== 'object' || target === null) {
    if (typeof target !== 'function')
      throw invalidArgType('target', 'an EventEmitter or an EventTarget', target);
  }
  if (isEmitter(target)) {
    if (typeof type !== 'string' && typeof type !== 'symbol')
      throw invalidArgType('event', 'a string or a symbol', type);
    if (typeof listener !== 'function') throw invalidArgType('listener', 'a function', listener);
    if (!once) {
      target.on(type, listener);
      state.entries.push({ target, kind: Emitter, type, registered: listener, listener });
      state.live++;
      track(state, target);
      return;
    }
    let fired = false;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (fired) return undefined;
      fired = true;
      target.removeListener(type, wrapper);
      forget(state, entry);
      return listener.apply(this, args);
    };
    // Node's once wrappers carry `.listener`, so off(type, listener) and listeners() see through them.
    (wrapper as unknown as { listener: Function }).listener = listener;
    const entry: Entry = { target, kind: Emitter, type, registered: wrapper, listener };
    target.on(type, wrapper);
    state.entries.push(entry);
    state.live++;
    track(state, target);
    return;
  }
  if (isEventTarget(target)) {
    if (typeof type !== 'string') throw invalidArgType('event', 'a string', type);
    if (
      typeof listener !== 'function' &&
      typeof (listener as { handleEvent?: unknown })?.handleEvent !== 'function'
    ) {
      throw invalidArgType('listener', 'a function or an EventListener object', listener);
    }
    if (!once) {
      target.addEventListener(type, listener);
      state.entries.push({ target, kind: DomEventTarget, type, registered: listener, listener });
      state.live++;
      return;
    }
    const wrapper = function (this: unknown, event: Event): unknown {
      forget(state, entry);
      return typeof listener === 'function'
        ? (listener as Fn).call(this as never, event as never)
        : (listener as { handleEvent(event: Event): unknown }).handleEvent(event);
    };
    const entry: Entry = { target, kind: DomEventTarget, type, registered: wrapper, listener };
    target.addEventListener(type, wrapper, { once: true });
    state.entries.push(entry);
    state.live++;
    return;
  }
  throw invalidArgType('target', 'an EventEmitter or an EventTarget', target);
}

function removeEntry(entry: Entry): void {
  const target = entry.target;
  if (target === undefined) return;
  entry.target = undefined;
  if (entry.kind === Emitter)
    (target as EmitterTarget).removeListener(entry.type, entry.registered as Function);
  else (target as DomTarget).removeEventListener(entry.type as string, entry.registered);
}

/** Removes the newest registration of `listener` for `type` on `target` made through this scope. */
export function detach(
  state: ScopeState,
  target: object,
  type: string | symbol,
  listener: ScopeListener,
): boolean {
  const entries = state.entries;
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!;
    if (entry.target === target && entry.type === type && entry.listener === listener) {
      // Found among live entries only: a spent `once` has target undefined.
      entries.splice(i, 1);
      if (entry.target !== undefined) state.live--;
      removeEntry(entry);
      return true;
    }
  }
  return false;
}

function combine(previous: { error: unknown } | undefined, error: unknown): { error: unknown } {
  return { error: previous === undefined ? error : new SuppressedError(error, previous.error) };
}

/**
 * Disposes a scope: children first (newest first), then its own listeners last-in-first-out,
 * then its signal aborts. Idempotent. Every removal is attempted even if one throws; the
 * errors are rethrown afterwards, chained as `SuppressedError`s.
 */
export function disposeState(state: ScopeState): void {
  if (state.disposed) return;
  state.disposed = true;
  if (state.watched) {
    state.watched = false;
    leaks.unregister(state);
  }
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
  const entries = state.entries;
  state.entries = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    try {
      removeEntry(entries[i]!);
    } catch (error) {
      failure = combine(failure, error);
    }
  }
  state.live = 0;
  state.dead = 0;
  const parent = state.parent;
  if (parent?.children !== undefined) parent.children.delete(state);
  const signal = state.signalRef?.deref();
  if (signal !== undefined) {
    signal.removeEventListener('abort', state.onSignalAbort!);
    ownedBySignal.get(signal)?.delete(state);
  }
  state.signalRef = undefined;
  state.onSignalAbort = undefined;
  if (state.emitters !== undefined) {
    for (const emitter of state.emitters) stateOf(emitter).scopes--;
    state.emitters = undefined;
  }
  state.lastEmitter = undefined;
  state.registration?.unregister();
  state.registration = undefined;
  state.controller?.abort();
  if (failure !== undefined) throw failure.error;
}

/** The scope's signal: aborts when it is disposed (created on first use). */
export function signalOf(state: ScopeState): AbortSignal {
  if (state.controller === undefined) {
    state.controller = new AbortController();
    if (state.disposed) state.controller.abort();
  }
  return state.controller.signal;
}

/** Figures a scope reports. */
export type ScopeStats = {
  /** Listeners the scope holds now. */
  readonly listeners: number;
  /** Live child scopes. */
  readonly children: number;
  /** 1 once disposed. */
  readonly disposed: number;
};

export function scopeStats(state: ScopeState): ScopeStats {
  return { listeners: state.live, children: state.children?.size ?? 0, disposed: state.disposed ? 1 : 0 };
}
