import type { EventEmitter as NodeEventEmitterType } from 'node:events';
import NodeEvents from 'node:events';
import {
  captureStack,
  diagnosticsChannel,
  isStackCaptureEnabled,
  MAX_ENTRIES,
  onAbort,
  publish,
  registerPrimitive,
  validatePositiveInteger,
  validateString,
} from '@leakproof/core';
import { EmitterScope } from './emitter-scope.js';
import {
  countOf,
  type EmitterState,
  kLeakproofEmitter,
  kState,
  type NodeEmitterFields,
  stateOf,
} from './emitter-state.js';
import { ListenerLimitError, type ListenerSite } from './errors.js';
import { busyFloor, getDefaultListenerLimit, noteListenerLimit, REGISTER_AT } from './limit.js';
import type { ScopeOptions } from './listener-scope.js';
import { validateSignal } from './node-errors.js';
import type { DefaultEventMap, EventMap, Key, kEventMap, Listener1, ListenerOptions } from './types.js';

const NodeEventEmitter = NodeEvents.EventEmitter;
const nodeProto = NodeEventEmitter.prototype as unknown as Record<string | symbol, Function>;
const nodeAddListener = nodeProto.addListener!;
const nodePrependListener = nodeProto.prependListener!;
const nodeOnce = nodeProto.once!;
const nodePrependOnceListener = nodeProto.prependOnceListener!;
const nodeRemoveAllListeners = nodeProto.removeAllListeners!;

type AnyFunction = (...args: unknown[]) => unknown;
type Emitter = NodeEmitterFields & {
  constructor?: { name?: string | undefined } | undefined;
  rawListeners(type: string | symbol): Function[];
  removeListener(type: string | symbol, listener: Function): unknown;
};

/** Options of the leakproof `EventEmitter` constructor: Node's plus the listener bound and a name. */
export interface EventEmitterOptions {
  /** Node's option: route promise rejections from listeners to `'error'`. @default false */
  readonly captureRejections?: boolean | undefined;
  /**
   * Hard limit of listeners per event on this emitter; adding past it throws
   * `ERR_LISTENER_LIMIT`. @default {@link getDefaultListenerLimit} (1000)
   */
  readonly listenerLimit?: number | undefined;
  /** Names the emitter in errors, warnings, stats and the registry. */
  readonly name?: string | undefined;
}

/** Figures an emitter reports through `stats()` and core's registry. */
export type EmitterStats = {
  /** Listeners attached, over all events. */
  readonly listeners: number;
  /** Events with at least one listener. */
  readonly events: number;
  /** Listeners of the busiest event. */
  readonly maxEventListeners: number;
  /** The hard limit per event in force. */
  readonly listenerLimit: number;
  /** Adds refused with `ERR_LISTENER_LIMIT`. */
  readonly limitHits: number;
  /** Live scopes holding listeners on this emitter. */
  readonly scopes: number;
  /** Listeners added with `{ signal }` still attached. */
  readonly signalBound: number;
};

const limitChannel = diagnosticsChannel('events', 'limit');

// Where each listener was added (only while stack capture is on), for ERR_LISTENER_LIMIT reports.
const addSites = new WeakMap<Function, string>();
const ownDir = (() => {
  const line = new Error().stack?.split('\n')[1] ?? '';
  const file = /\(?((?:file:\/\/)?[^()\s]+):\d+:\d+\)?$/.exec(line)?.[1] ?? '';
  return file.slice(0, file.lastIndexOf('/') + 1);
})();

function callSite(): string | undefined {
  const stack = captureStack(0);
  if (stack === undefined) return undefined;
  const lines = stack.split('\n');
  let i = 0;
  while (
    i < lines.length - 1 &&
    (lines[i]!.includes('node:events') || (ownDir !== '' && lines[i]!.includes(ownDir)))
  ) {
    i++;
  }
  return lines.slice(i, i + 6).join('\n');
}

function emitterName(emitter: Emitter, state: EmitterState | undefined): string {
  if (state?.name !== undefined) return `\`${state.name}\``;
  return `an ${emitter.constructor?.name || 'EventEmitter'}`;
}

function topSites(emitter: Emitter, type: string | symbol): ListenerSite[] {
  if (!isStackCaptureEnabled()) return [];
  const counts = new Map<string, number>();
  for (const fn of emitter.rawListeners(type)) {
    const site = addSites.get(fn) ?? addSites.get((fn as { listener?: Function | undefined }).listener ?? fn);
    if (site !== undefined) counts.set(site, (counts.get(site) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([stack, count]) => ({ stack, count }));
}

function register(emitter: Emitter, state: EmitterState): void {
  state.registration = registerPrimitive(emitter as object, {
    kind: 'emitter',
    name: state.name,
    stats: emitterStats,
  });
}

/** The slow path of an add: the event has at least `lowestListenerLimit()` or `REGISTER_AT` listeners. */
function checkBusyEvent(emitter: Emitter, type: string | symbol, count: number): void {
  const state = stateOf(emitter);
  if (state.registration === undefined && count >= REGISTER_AT) register(emitter, state);
  const limit = state.limit === 0 ? getDefaultListenerLimit() : state.limit;
  if (count < limit) return;
  state.limitHits++;
  const name = emitterName(emitter, state);
  publish(limitChannel, () => ({ emitter, name: state.name, event: type, count, limit }));
  throw new ListenerLimitError(name, type, count, limit, topSites(emitter, type));
}

/** Records where `listener` was added (only while stack capture is on). */
function recordSite(listener: Function): void {
  const site = callSite();
  if (site !== undefined) addSites.set(listener, site);
}

/**
 * Throws ERR_LISTENER_LIMIT when `type` is full: the only work an add does beyond Node's.
 * Most adds read one property and compare one number.
 */
function checkLimit(emitter: Emitter, type: string | symbol, listener: Function): void {
  const events = emitter._events;
  if (events !== undefined) {
    const existing = events[type];
    if (existing !== undefined) {
      const count = typeof existing === 'function' ? 1 : existing.length;
      if (count >= busyFloor) checkBusyEvent(emitter, type, count);
    }
  }
  if (isStackCaptureEnabled()) recordSite(listener);
}

/**
 * Whether an add with no options can go straight to Node's: `type` holds fewer than
 * `busyFloor` listeners (so neither the limit nor the registry is concerned) and no stack
 * is to be recorded. Kept tiny so the caller, Node's add and its body all fit one
 * optimised frame.
 */
function addIsPlain(emitter: Emitter, type: string | symbol): boolean {
  const existing = emitter._events?.[type];
  if (existing === undefined) return !isStackCaptureEnabled();
  return (typeof existing === 'function' ? 1 : existing.length) < busyFloor && !isStackCaptureEnabled();
}

// A listener added with { signal } is registered through a wrapper that knows how to
// unhook itself from the signal; removal by any path (off, removeAllListeners, once
// firing, abort) runs that cleanup so the signal never keeps a listener.
const kCleanup: unique symbol = Symbol('leakproof.events.cleanup');
// Wrappers linked to a signal, over all emitters: while none exists (most processes, most
// of the time) a remove is Node's remove and nothing else.
let linkedWrappers = 0;
type BoundWrapper = AnyFunction & { listener: Function; [kCleanup]: () => void };

function addWithOptions(
  emitter: Emitter,
  type: string | symbol,
  listener: Function,
  options: ListenerOptions | undefined,
  prepend: boolean,
  once: boolean,
): Emitter {
  // node:events ignores extra arguments, so a third argument that is not an options
  // object (an eventemitter3-style context, `true`, ...) is ignored here too.
  const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
  const nodeAdd = prepend ? nodePrependListener : nodeAddListener;
  if (signal === undefined) {
    if (once) return (prepend ? nodePrependOnceListener : nodeOnce).call(emitter, type, listener) as Emitter;
    if (typeof listener === 'function') checkLimit(emitter, type, listener);
    return nodeAdd.call(emitter, type, listener) as Emitter;
  }
  validateSignal(signal, 'options.signal');
  // Let Node raise its own ERR_INVALID_ARG_TYPE for a non-function listener.
  if (typeof listener !== 'function') return nodeAdd.call(emitter, type, listener) as Emitter;
  if (signal.aborted) return emitter;
  checkLimit(emitter, type, listener);
  const state = stateOf(emitter);
  let fired = false;
  let linked = true;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    if (once) {
      if (fired) return undefined;
      fired = true;
      emitter.removeListener(type, wrapper);
    }
    return listener.apply(this, args);
  } as BoundWrapper;
  wrapper.listener = listener;
  // Through core's onAbort: it hears the abort even when an earlier 'abort' listener
  // calls stopImmediatePropagation(), and leaves nothing on the signal once disposed.
  const subscription = onAbort(signal, () => {
    emitter.removeListener(type, wrapper);
  });
  wrapper[kCleanup] = () => {
    if (!linked) return;
    linked = false;
    state.bound--;
    linkedWrappers--;
    subscription.dispose();
  };
  state.bound++;
  linkedWrappers++;
  try {
    nodeAdd.call(emitter, type, wrapper);
  } catch (error) {
    wrapper[kCleanup]();
    throw error;
  }
  // A 'newListener' listener may have aborted the signal while the wrapper was being added.
  if (signal.aborted && linked) emitter.removeListener(type, wrapper);
  return emitter;
}

/** The entry Node's removeListener would take out (the newest match), if any. */
function matchOf(emitter: Emitter, type: string | symbol, listener: Function): Function | undefined {
  const list = emitter._events?.[type];
  if (list === undefined) return undefined;
  if (typeof list === 'function') {
    return list === listener || (list as { listener?: Function | undefined }).listener === listener
      ? list
      : undefined;
  }
  for (let i = list.length - 1; i >= 0; i--) {
    const fn = list[i]!;
    if (fn === listener || (fn as { listener?: Function | undefined }).listener === listener) return fn;
  }
  return undefined;
}

function cleanupAll(list: Function | Function[] | undefined): void {
  if (list === undefined) return;
  if (typeof list === 'function') {
    (list as Partial<BoundWrapper>)[kCleanup]?.();
    return;
  }
  for (const fn of list) (fn as Partial<BoundWrapper>)[kCleanup]?.();
}

// The methods below replace Node's on the leakproof prototype. Each does its bookkeeping
// and then calls Node's own method, so ordering, 'newListener'/'removeListener' and the
// MaxListenersExceededWarning are Node's. emit is Node's function, untouched.

// The add and remove methods hold Node's as constants of this closure, not of the module:
// a bundle's top-level `const` becomes `var`, and V8 treats a binding that is ever assigned
// as unknown, so each call to Node's method stayed a call through a variable and on + off
// cost 20-25% more than on a node:events emitter. As closure constants they are known
// functions, and Node's add and remove inline into the caller as they do for node:events.
const { addListener, prependListener, once, prependOnceListener, removeListener } = (() => {
  const add = nodeProto.addListener!;
  const prepend = nodeProto.prependListener!;
  const addOnce = nodeProto.once!;
  const prependOnce = nodeProto.prependOnceListener!;
  const remove = nodeProto.removeListener!;

  function addListener(
    this: Emitter,
    type: string | symbol,
    listener: Function,
    options?: ListenerOptions,
  ): Emitter {
    if (options === undefined && addIsPlain(this, type)) return add.call(this, type, listener) as Emitter;
    return addWithOptions(this, type, listener, options, false, false);
  }

  function prependListener(
    this: Emitter,
    type: string | symbol,
    listener: Function,
    options?: ListenerOptions,
  ): Emitter {
    if (options === undefined && addIsPlain(this, type)) return prepend.call(this, type, listener) as Emitter;
    return addWithOptions(this, type, listener, options, true, false);
  }

  // Node's once adds its wrapper through this.on, where the limit is checked.
  function once(
    this: Emitter,
    type: string | symbol,
    listener: Function,
    options?: ListenerOptions,
  ): Emitter {
    if (options === undefined) return addOnce.call(this, type, listener) as Emitter;
    return addWithOptions(this, type, listener, options, false, true);
  }

  function prependOnceListener(
    this: Emitter,
    type: string | symbol,
    listener: Function,
    options?: ListenerOptions,
  ): Emitter {
    if (options === undefined) return prependOnce.call(this, type, listener) as Emitter;
    return addWithOptions(this, type, listener, options, true, true);
  }

  function removeListener(this: Emitter, type: string | symbol, listener: Function): Emitter {
    if (linkedWrappers !== 0) unlinkMatch(this, type, listener);
    return remove.call(this, type, listener) as Emitter;
  }

  return { addListener, prependListener, once, prependOnceListener, removeListener };
})();

/** Unhooks from its signal the `{ signal }` wrapper Node's removeListener is about to take out. */
function unlinkMatch(emitter: Emitter, type: string | symbol, listener: Function): void {
  const state = emitter[kState];
  if (state !== undefined && state.bound > 0 && typeof listener === 'function') {
    (matchOf(emitter, type, listener) as Partial<BoundWrapper> | undefined)?.[kCleanup]?.();
  }
}

function removeAllListeners(this: Emitter, ...args: [type?: string | symbol]): Emitter {
  const state = this[kState];
  const events = this._events;
  // With 'removeListener' listeners Node removes one by one through removeListener (which
  // cleans up); without, it drops the lists at once, so clean them up here.
  if (state !== undefined && state.bound > 0 && events !== undefined && events.removeListener === undefined) {
    if (args.length === 0) for (const key of Reflect.ownKeys(events)) cleanupAll(events[key]);
    else cleanupAll(events[args[0] as string | symbol]);
  }
  // Node distinguishes removeAllListeners() from removeAllListeners(undefined): pass args as given.
  return nodeRemoveAllListeners.apply(this, args) as Emitter;
}

function setListenerLimit(this: Emitter, limit: number): Emitter {
  stateOf(this).limit = validatePositiveInteger(limit, 'limit', MAX_ENTRIES);
  noteListenerLimit(limit);
  return this;
}

function getListenerLimit(this: Emitter): number {
  const limit = this[kState]?.limit ?? 0;
  return limit === 0 ? getDefaultListenerLimit() : limit;
}

/** Reads an emitter's figures (used by `stats()` and the registry). */
export function emitterStats(emitter: object): EmitterStats {
  const e = emitter as Emitter;
  const state = e[kState];
  const events = e._events;
  let listeners = 0;
  let names = 0;
  let max = 0;
  if (events !== undefined) {
    for (const key of Reflect.ownKeys(events)) {
      const n = countOf(e, key);
      if (n === 0) continue;
      names++;
      listeners += n;
      if (n > max) max = n;
    }
  }
  return {
    listeners,
    events: names,
    maxEventListeners: max,
    listenerLimit: state === undefined || state.limit === 0 ? getDefaultListenerLimit() : state.limit,
    limitHits: state?.limitHits ?? 0,
    scopes: state?.scopes ?? 0,
    signalBound: state?.bound ?? 0,
  };
}

function scope(this: Emitter, options?: ScopeOptions): EmitterScope {
  return new EmitterScope(this, options);
}

function stats(this: Emitter): EmitterStats {
  return emitterStats(this);
}

function dispose(this: Emitter & { removeAllListeners(): unknown }): void {
  this.removeAllListeners();
  const state = this[kState];
  state?.registration?.unregister();
  if (state !== undefined) state.registration = undefined;
}

// Node's constructor and prototype as constants of a closure, for the reason given at the
// add and remove methods below.
const init = (() => {
  const NodeConstructor = NodeEventEmitter;
  const protoOfNode = nodeProto;

  /**
   * Node's `EventEmitter.init` plus the leakproof options: validates `listenerLimit` and
   * `name`; a named emitter registers (weakly) in core's registry as kind `'emitter'` at once.
   */
  function init(this: Emitter, opts?: EventEmitterOptions): void {
    if (protoOfNode.emit !== syncedEmit) followNodeEmit();
    let limit = 0;
    let name: string | undefined;
    if (opts !== null && typeof opts === 'object') {
      if (opts.listenerLimit !== undefined)
        limit = validatePositiveInteger(opts.listenerLimit, 'options.listenerLimit', MAX_ENTRIES);
      // An empty name means none, as EventEmitterAsyncResource's falls back to the class name.
      if (opts.name !== undefined) name = validateString(opts.name, 'options.name', true) || undefined;
    }
    // Looked up each time, as Node's own constructor does, so a patched init (domains) applies.
    (NodeConstructor as unknown as { init: (this: object, opts?: unknown) => void }).init.call(this, opts);
    // The state slot is created only when there is something to keep, so a plain
    // `new EventEmitter()` costs what Node's does.
    if (limit !== 0) {
      stateOf(this).limit = limit;
      noteListenerLimit(limit);
    }
    if (name !== undefined) {
      const state = stateOf(this);
      state.name = name;
      if (state.registration === undefined) register(this, state);
    }
  }

  return init;
})();

// The prototype carries every method of Node's own prototype as an own, enumerable
// property (mixins such as `Object.assign(obj, EventEmitter.prototype)` copy them all),
// and inherits from Node's so `instanceof` Node's EventEmitter holds.
//
// The methods leakproof does not replace follow Node's prototype, so whatever patches
// `require('node:events').EventEmitter.prototype` after this module loaded —
// `require('domain')`, an APM agent wrapping `emit` — reaches leakproof emitters too:
// - `emit` is a plain data property holding Node's current function: an accessor would cost
//   every emit a getter call where call sites see many classes (10-20% measured). It is
//   re-read from Node's prototype whenever an emitter is constructed (one comparison), and
//   only while nobody assigned leakproof's own `emit`.
// - the others (listeners, eventNames, setMaxListeners, ...) are accessors that read Node's
//   prototype at call time; assigning one stores a plain value, as on Node's prototype.
export const proto = Object.create(nodeProto) as Record<string | symbol, unknown>;
function forward(key: string): PropertyDescriptor {
  return {
    get(): unknown {
      return nodeProto[key];
    },
    set(this: object, value: unknown): void {
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
    enumerable: true,
    configurable: true,
  };
}
// Symbol keys stay inherited: Node's kCapture default lives on its prototype and
// `EventEmitter.captureRejections = true` must keep reaching leakproof emitters.
for (const key of Reflect.ownKeys(nodeProto)) {
  if (key === 'constructor' || typeof key === 'symbol') continue;
  const descriptor = Object.getOwnPropertyDescriptor(nodeProto, key)!;
  // Node's data defaults (_events, _eventsCount, _maxListeners) and emit are copied as they are.
  const plain = typeof descriptor.value !== 'function' || key === 'emit';
  Object.defineProperty(proto, key, plain ? descriptor : forward(key));
}

let syncedEmit = nodeProto.emit;

/** Takes up a replaced `node:events` `emit`, unless leakproof's own was assigned since. */
function followNodeEmit(): void {
  const current = nodeProto.emit;
  if (current === syncedEmit) return;
  if (proto.emit === syncedEmit) proto.emit = current;
  syncedEmit = current;
}

const overrides: Record<string, Function> = {
  addListener,
  on: addListener,
  prependListener,
  once,
  prependOnceListener,
  removeListener,
  off: removeListener,
  removeAllListeners,
  setListenerLimit,
  getListenerLimit,
  stats,
  scope,
};
for (const [key, value] of Object.entries(overrides)) {
  Object.defineProperty(proto, key, { value, writable: true, enumerable: true, configurable: true });
}
Object.defineProperty(proto, kLeakproofEmitter, {
  value: true,
  writable: false,
  enumerable: false,
  configurable: false,
});
Object.defineProperty(proto, Symbol.dispose, {
  value: dispose,
  writable: true,
  enumerable: false,
  configurable: true,
});

/** Node's `EventEmitter.init` plus the leakproof options (see {@link init}). */
export { init };

/**
 * A leakproof emitter: Node's `EventEmitter<T>` (same `emit`, same events, same warning)
 * plus a hard listener limit, `{ signal }` on every add, `scope()` and `stats()`.
 */
export interface EventEmitter<T extends EventMap<T> = DefaultEventMap> extends NodeEventEmitterType<T> {
  /** The event map, for typing only: no such property exists at run time. */
  readonly [kEventMap]?: T | undefined;
  /** Node's `addListener`; with `{ signal }` the listener goes when the signal aborts. Throws `ERR_LISTENER_LIMIT` when the event is full. */
  addListener<K>(eventName: Key<K, T>, listener: Listener1<K, T>, options?: ListenerOptions): this;
  /** Node's `on`; with `{ signal }` the listener goes when the signal aborts. Throws `ERR_LISTENER_LIMIT` when the event is full. */
  on<K>(eventName: Key<K, T>, listener: Listener1<K, T>, options?: ListenerOptions): this;
  /** Node's `once`, with `{ signal }`. */
  once<K>(eventName: Key<K, T>, listener: Listener1<K, T>, options?: ListenerOptions): this;
  /** Node's `prependListener`, with `{ signal }`. */
  prependListener<K>(eventName: Key<K, T>, listener: Listener1<K, T>, options?: ListenerOptions): this;
  /** Node's `prependOnceListener`, with `{ signal }`. */
  prependOnceListener<K>(eventName: Key<K, T>, listener: Listener1<K, T>, options?: ListenerOptions): this;
  /** Sets this emitter's hard limit of listeners per event (1..2^24). */
  setListenerLimit(limit: number): this;
  /** This emitter's hard limit of listeners per event (its own, or the process-wide default). */
  getListenerLimit(): number;
  /** A {@link EmitterScope} adding listeners to this emitter, removed together on dispose. */
  scope(options?: ScopeOptions): EmitterScope<T>;
  /** Plain figures: listeners, events, busiest event, limit, limit hits, live scopes. */
  stats(): EmitterStats;
  /** Removes every listener and unregisters the emitter from core's registry. */
  [Symbol.dispose](): void;
}

/** The constructor's call signature for old-style `EventEmitter.call(this)` inheritance. */
export type EventEmitterCallable = (this: object, options?: EventEmitterOptions) => void;
