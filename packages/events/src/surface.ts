import NodeEvents, { type EventEmitter as NodeEventEmitter } from 'node:events';
import { EventEmitterAsyncResource } from './async-resource.js';
import {
  type EventEmitterCallable,
  EventEmitterFunction,
  type EventEmitter as EventEmitterInstance,
  type EventEmitterOptions,
} from './emitter.js';
import { EmitterScope } from './emitter-scope.js';
import { EventBufferOverflowError, ListenerLimitError, ScopeDisposedError } from './errors.js';
import { DEFAULT_LISTENER_LIMIT, getDefaultListenerLimit, setDefaultListenerLimit } from './limit.js';
import { createScope, ListenerScope } from './listener-scope.js';
import { on } from './on.js';
import { once } from './once.js';
import type { DefaultEventMap, EventMap } from './types.js';

/**
 * The `EventEmitter` constructor with its statics: everything `require('node:events')`
 * carries (`once`, `on`, `errorMonitor`, `defaultMaxListeners`, ...) plus leakproof's
 * (`createScope`, `defaultListenerLimit`, ...), so `const EventEmitter = require(...)`
 * works as Node's does.
 */
export interface EventEmitterConstructor extends EventEmitterCallable {
  new <T extends EventMap<T> = DefaultEventMap>(options?: EventEmitterOptions): EventEmitterInstance<T>;
  /** The constructor itself, as `require('events').EventEmitter`. */
  readonly EventEmitter: EventEmitterConstructor;
  readonly once: typeof once;
  readonly on: typeof on;
  readonly getEventListeners: typeof NodeEventEmitter.getEventListeners;
  readonly getMaxListeners: typeof NodeEventEmitter.getMaxListeners;
  readonly setMaxListeners: typeof NodeEventEmitter.setMaxListeners;
  readonly listenerCount: typeof NodeEventEmitter.listenerCount;
  readonly addAbortListener: typeof NodeEventEmitter.addAbortListener;
  readonly errorMonitor: typeof NodeEventEmitter.errorMonitor;
  readonly captureRejectionSymbol: typeof NodeEventEmitter.captureRejectionSymbol;
  /** Node's process-wide `captureRejections` default (shared with `node:events`). */
  captureRejections: boolean;
  /** Node's process-wide warning threshold (shared with `node:events`). */
  defaultMaxListeners: number;
  /** The process-wide hard listener limit (see {@link setDefaultListenerLimit}). */
  defaultListenerLimit: number;
  readonly usingDomains: boolean;
  readonly init: (this: object, options?: EventEmitterOptions) => void;
  readonly EventEmitterAsyncResource: typeof EventEmitterAsyncResource;
  readonly createScope: typeof createScope;
  readonly ListenerScope: typeof ListenerScope;
  readonly EmitterScope: typeof EmitterScope;
  readonly setDefaultListenerLimit: typeof setDefaultListenerLimit;
  readonly getDefaultListenerLimit: typeof getDefaultListenerLimit;
  readonly ListenerLimitError: typeof ListenerLimitError;
  readonly ScopeDisposedError: typeof ScopeDisposedError;
  readonly EventBufferOverflowError: typeof EventBufferOverflowError;
}

const value = (v: unknown) => ({ value: v, writable: true, enumerable: true, configurable: true });
const nodeStatics = NodeEvents as unknown as Record<string, unknown>;

Object.defineProperties(EventEmitterFunction, {
  EventEmitter: value(EventEmitterFunction),
  once: value(once),
  on: value(on),
  getEventListeners: value(NodeEvents.getEventListeners),
  getMaxListeners: value(NodeEvents.getMaxListeners),
  setMaxListeners: value(NodeEvents.setMaxListeners),
  listenerCount: value(NodeEvents.listenerCount),
  addAbortListener: value(NodeEvents.addAbortListener),
  errorMonitor: { value: NodeEvents.errorMonitor, writable: false, enumerable: true, configurable: false },
  captureRejectionSymbol: {
    value: NodeEvents.captureRejectionSymbol,
    writable: false,
    enumerable: true,
    configurable: false,
  },
  captureRejections: {
    get: () => NodeEvents.captureRejections,
    set: (v: boolean) => {
      NodeEvents.captureRejections = v;
    },
    enumerable: true,
    configurable: false,
  },
  defaultMaxListeners: {
    get: () => NodeEvents.defaultMaxListeners,
    set: (v: number) => {
      NodeEvents.defaultMaxListeners = v;
    },
    enumerable: true,
    configurable: false,
  },
  defaultListenerLimit: {
    get: getDefaultListenerLimit,
    set: setDefaultListenerLimit,
    enumerable: true,
    configurable: false,
  },
  usingDomains: value(nodeStatics.usingDomains ?? false),
  kMaxEventTargetListeners: value(nodeStatics.kMaxEventTargetListeners),
  kMaxEventTargetListenersWarned: value(nodeStatics.kMaxEventTargetListenersWarned),
  EventEmitterAsyncResource: value(EventEmitterAsyncResource),
  createScope: value(createScope),
  ListenerScope: value(ListenerScope),
  EmitterScope: value(EmitterScope),
  setDefaultListenerLimit: value(setDefaultListenerLimit),
  getDefaultListenerLimit: value(getDefaultListenerLimit),
  DEFAULT_LISTENER_LIMIT: value(DEFAULT_LISTENER_LIMIT),
  ListenerLimitError: value(ListenerLimitError),
  ScopeDisposedError: value(ScopeDisposedError),
  EventBufferOverflowError: value(EventBufferOverflowError),
});

/**
 * The leakproof `EventEmitter`: a drop-in for `node:events`' (same `emit`, same
 * semantics, usable with `new`, `class extends` and `EventEmitter.call(this)`), with a
 * hard listener limit, `{ signal }` on every add, `scope()` and `stats()`.
 *
 * @example
 * ```ts
 * const orders = new EventEmitter<{ created: [Order]; closed: [] }>({ name: 'orders' });
 * orders.on('created', (order) => audit(order), { signal: req.signal });
 * ```
 */
export const EventEmitter = EventEmitterFunction as unknown as EventEmitterConstructor;

/** A leakproof emitter instance, typed by its event map. */
export type EventEmitter<T extends EventMap<T> = DefaultEventMap> = EventEmitterInstance<T>;
