import NodeEvents, { type EventEmitter as NodeEventEmitter } from 'node:events';
import {
  type EventEmitterAsyncResourceOptions,
  EventEmitterReferencingAsyncResource,
} from './async-resource.js';
import { EmitterScope } from './emitter-scope.js';
import { EventBufferOverflowError, ListenerLimitError, ScopeDisposedError } from './errors.js';
import { DEFAULT_LISTENER_LIMIT, getDefaultListenerLimit, setDefaultListenerLimit } from './limit.js';
import { createScope, ListenerScope } from './listener-scope.js';
import { nodeInvalidArgType, nodeInvalidThis } from './node-errors.js';
import { on } from './on.js';
import { once } from './once.js';
import {
  type EventEmitterCallable,
  type EventEmitter as EventEmitterInstance,
  type EventEmitterOptions,
  init,
  proto,
} from './prototype.js';
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
  /** Node's flag, shared with `node:events` (`require('domain')` sets it). */
  readonly usingDomains: boolean;
  readonly init: (this: object, options?: EventEmitterOptions) => void;
  readonly EventEmitterAsyncResource: typeof EventEmitterAsyncResource;
  readonly createScope: typeof createScope;
  readonly ListenerScope: typeof ListenerScope;
  readonly EmitterScope: typeof EmitterScope;
  readonly setDefaultListenerLimit: typeof setDefaultListenerLimit;
  readonly getDefaultListenerLimit: typeof getDefaultListenerLimit;
  readonly DEFAULT_LISTENER_LIMIT: typeof DEFAULT_LISTENER_LIMIT;
  readonly ListenerLimitError: typeof ListenerLimitError;
  readonly ScopeDisposedError: typeof ScopeDisposedError;
  readonly EventBufferOverflowError: typeof EventBufferOverflowError;
}

const EventEmitterFunction = function EventEmitter(this: never, opts?: EventEmitterOptions): void {
  // Looked up each time, as Node's constructor does, so code that replaces init applies.
  // Through the function's own name, a binding V8 knows is never assigned (the module's
  // const becomes a var in the bundle).
  (EventEmitter as unknown as { init: typeof init }).init.call(this, opts);
};
Object.defineProperty(proto, 'constructor', {
  value: EventEmitterFunction,
  writable: true,
  enumerable: false,
  configurable: true,
});
EventEmitterFunction.prototype = proto;
Object.setPrototypeOf(EventEmitterFunction, NodeEvents.EventEmitter);

/**
 * The leakproof `EventEmitter`: a drop-in for `node:events`' (same `emit`, same
 * semantics, usable with `new`, `class extends` and `EventEmitter.call(this)`), with a
 * hard listener limit, `{ signal }` on every add, `scope()` and `stats()`.
 *
 * @example
 * ```ts
 * const orders = new EventEmitter<{ created: [Order]; closed: [] }>({ name: 'orders' });
 * orders.on('created', (order) => audit(order), { signal: AbortSignal.timeout(60_000) });
 * ```
 */
export const EventEmitter = EventEmitterFunction as unknown as EventEmitterConstructor;

/** A leakproof emitter instance, typed by its event map. */
export type EventEmitter<T extends EventMap<T> = DefaultEventMap> = EventEmitterInstance<T>;

let invalidThis: boolean | undefined;

/** Whether this Node's own `EventEmitterAsyncResource` answers a wrong `this` with ERR_INVALID_THIS (asked once, on first need). */
function nodeThrowsInvalidThis(): boolean {
  if (invalidThis === undefined) {
    try {
      Reflect.get(NodeEvents.EventEmitterAsyncResource.prototype, 'asyncId', {});
      invalidThis = true;
    } catch (error) {
      invalidThis = (error as { code?: unknown } | null)?.code === 'ERR_INVALID_THIS';
    }
  }
  return invalidThis;
}

/**
 * Node's `EventEmitterAsyncResource` on the leakproof emitter: listeners run in the
 * emitter's async context, with the listener limit, `{ signal }` and scopes.
 */
export class EventEmitterAsyncResource extends EventEmitter {
  readonly #asyncResource: EventEmitterReferencingAsyncResource<EventEmitterAsyncResource>;

  constructor(options?: EventEmitterAsyncResourceOptions | string) {
    let name: string;
    let opts: EventEmitterAsyncResourceOptions | undefined;
    if (typeof options === 'string') {
      name = options;
      opts = undefined;
    } else {
      if (new.target === EventEmitterAsyncResource && typeof options?.name !== 'string') {
        throw nodeInvalidArgType('options.name', 'string', options?.name);
      }
      name = options?.name || new.target.name;
      opts = options;
    }
    super(opts);
    this.#asyncResource = new EventEmitterReferencingAsyncResource(this, name, opts);
  }

  /** Emits within the emitter's async context (through the `emit` in force on the prototype chain). */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const resource = EventEmitterAsyncResource.#resourceOf(this);
    return resource.runInAsyncScope(super.emit, this, event, ...args);
  }

  /** Calls every `destroy` hook; call once. */
  emitDestroy(): void {
    EventEmitterAsyncResource.#resourceOf(this).emitDestroy();
  }

  /** The resource's async id. */
  get asyncId(): number {
    return EventEmitterAsyncResource.#resourceOf(this).asyncId();
  }

  /** The resource's trigger async id. */
  get triggerAsyncId(): number {
    return EventEmitterAsyncResource.#resourceOf(this).triggerAsyncId();
  }

  /** The underlying `AsyncResource`. */
  get asyncResource(): EventEmitterReferencingAsyncResource<EventEmitterAsyncResource> {
    return EventEmitterAsyncResource.#resourceOf(this);
  }

  // A `this` that is not one of these fails as the running Node's class fails: Node 20 and
  // 22 throw ERR_INVALID_THIS, Node 24 lets the private field read throw its TypeError.
  static #resourceOf(target: unknown): EventEmitterReferencingAsyncResource<EventEmitterAsyncResource> {
    if (typeof target === 'object' && target !== null && #asyncResource in target)
      return target.#asyncResource;
    if (nodeThrowsInvalidThis()) throw nodeInvalidThis('EventEmitterAsyncResource');
    return (target as EventEmitterAsyncResource).#asyncResource;
  }
}

// The statics live on the constructor in the module that makes it: whoever gets the
// constructor (a bundler keeping one named export, a subclass) gets them too.
const value = (v: unknown, enumerable = true) => ({
  value: v,
  writable: true,
  enumerable,
  configurable: true,
});
const nodeStatics = NodeEvents as unknown as Record<string, unknown>;

Object.defineProperties(EventEmitterFunction, {
  init: value(init),
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
  usingDomains: {
    get: () => nodeStatics.usingDomains ?? false,
    set: (v: boolean) => {
      nodeStatics.usingDomains = v;
    },
    enumerable: true,
    configurable: true,
  },
  kMaxEventTargetListeners: value(nodeStatics.kMaxEventTargetListeners, false),
  kMaxEventTargetListenersWarned: value(nodeStatics.kMaxEventTargetListenersWarned, false),
  EventEmitterAsyncResource: value(EventEmitterAsyncResource),
  defaultListenerLimit: {
    get: getDefaultListenerLimit,
    set: setDefaultListenerLimit,
    enumerable: true,
    configurable: false,
  },
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
