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

// A scope records each listener in three consecutive slots of one flat array —
// target, event, registered function — which costs less than an object per listener.
// A `once` wrapper knows its slot (kSlot) so it can mark the entry spent when it fires.
const STRIDE = 3;
const kSlot: unique symbol = Symbol('leakproof.events.slot');
type OnceWrapper = Function & { listener: ScopeListener; [kSlot]: number };

export interface ScopeState {
  /** target, event, registered listener; target `undefined` once spent. */
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
  onSignalAbort: (() => void) | undefined;
  /** The first leakproof emitter this scope counts itself on, and any others. */
  emitter: NodeEmitterFields | undefined;
  emitters: NodeEmitterFields[] | undefined;
  lastTarget: object | undefined;
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
    onSignalAbort: undefined,
    emitter: undefined,
    emitters: undefined,
    lastTarget: undefined,
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
// A fixed ring of (scope, state) pairs, allocated once: growing and dropping arrays here
// would add garbage to every scope.
const PENDING = 256;
const pending: Array<object | ScopeState | undefined> = new Array(PENDING * 2).fill(undefined);
let pendingCount = 0;
let flushScheduled = false;

function watch(scope: object, state: ScopeState): void {
  const at = pendingCount * 2;
  pending[at] = scope;
  pending[at + 1] = state;
  // A long synchronous run must not hold many disposed scopes for the GC to trace:
  // flush when the ring is full (the scopes still live by then get registered).
  if (++pendingCount === PENDING) {
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
  const n = pendingCount * 2;
  pendingCount = 0;
  for (let i = 0; i < n; i += 2) {
    const scope = pending[i] as object;
    const state = pending[i + 1] as ScopeState;
    pending[i] = undefined;
    pending[i + 1] = undefined;
    if (state.disposed) continue;
    leaks.register(scope, state, state);
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

function forget(state: ScopeState, wrapper: OnceWrapper): void {
  const slots = state.slots;
  const at = wrapper[kSlot];
  if (slots[at + 2] !== wrapper || slots[at] === undefined) return;
  slots[at] = undefined;
  state.live--;
  state.dead++;
  // Long-lived scopes that keep adding `once` listeners must not grow: compact when
  // most entries are spent.
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

function record(state: ScopeState, target: object, type: string | symbol, registered: unknown): void {
  state.slots.push(target, type, registered);
  state.live++;
  if (target !== state.lastTarget) track(state, target);
}

function track(state: ScopeState, target: object): void {
  state.lastTarget = target;
  if ((target as { [kLeakproofEmitter]?: boolean })[kLeakproofEmitter] !== true) return;
  const emitter = target as NodeEmitterFields;
  if (state.emitter === emitter || state.emitters?.includes(emitter)) return;
  if (state.emitter === undefined) state.emitter = emitter;
  else (state.emitters ??= []).push(emitter);
  stateOf(emitter).scopes++;
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
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw invalidArgType('target', 'an EventEmitter or an EventTarget', target);
  }
  if (isEmitter(target)) {
    if (typeof type !== 'string' && typeof type !== 'symbol')
      throw invalidArgType('event', 'a string or a symbol', type);
    if (typeof listener !== 'function') throw invalidArgType('listener', 'a function', listener);
    if (!once) {
      target.on(type, listener);
      record(state, target, type, listener);
      return;
    }
    let fired = false;
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      if (fired) return undefined;
      fired = true;
      target.removeListener(type, wrapper);
      forget(state, wrapper);
      return listener.apply(this, args);
    } as unknown as OnceWrapper;
    // Node's once wrappers carry `.listener`, so off(type, listener) and listeners() see through them.
    wrapper.listener = listener;
    wrapper[kSlot] = state.slots.length;
    target.on(type, wrapper);
    record(state, target, type, wrapper);
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
      record(state, target, type, listener);
      return;
    }
    const wrapper = function (this: unknown, event: Event): unknown {
      forget(state, wrapper);
      return typeof listener === 'function'
        ? (listener as Fn).call(this as never, event as never)
        : (listener as { handleEvent(event: Event): unknown }).handleEvent(event);
    } as unknown as OnceWrapper;
    wrapper.listener = listener;
    wrapper[kSlot] = state.slots.length;
    target.addEventListener(type, wrapper, { once: true });
    record(state, target, type, wrapper);
    return;
  }
  throw invalidArgType('target', 'an EventEmitter or an EventTarget', target);
}

function remove(target: object, type: string | symbol, registered: unknown): void {
  if (isEmitter(target)) target.removeListener(type, registered as Function);
  else (target as DomTarget).removeEventListener(type as string, registered);
}

/** Removes the newest registration of `listener` for `type` on `target` made through this scope. */
export function detach(
  state: ScopeState,
  target: object,
  type: string | symbol,
  listener: ScopeListener,
): boolean {
  const slots = state.slots;
  for (let i = slots.length - STRIDE; i >= 0; i -= STRIDE) {
    // Spent `once` entries have an undefined target, so they never match.
    if (slots[i] !== target || slots[i + 1] !== type) continue;
    const registered = slots[i + 2];
    if (registered !== listener && (registered as { listener?: unknown }).listener !== listener) continue;
    slots[i] = undefined;
    state.live--;
    state.dead++;
    remove(target, type, registered);
    if (state.dead > 16 && state.dead > state.live) compact(state);
    return true;
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
  const slots = state.slots;
  state.slots = [];
  for (let i = slots.length - STRIDE; i >= 0; i -= STRIDE) {
    const target = slots[i] as object | undefined;
    if (target === undefined) continue;
    try {
      remove(target, slots[i + 1] as string | symbol, slots[i + 2]);
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
  if (state.emitter !== undefined) {
    stateOf(state.emitter).scopes--;
    state.emitter = undefined;
  }
  if (state.emitters !== undefined) {
    for (const emitter of state.emitters) stateOf(emitter).scopes--;
    state.emitters = undefined;
  }
  state.lastTarget = undefined;
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
