import NodeEvents, { type EventEmitter as NodeEventEmitter } from 'node:events';
import { EventEmitter } from './surface.js';

export { EventEmitterAsyncResource, type EventEmitterAsyncResourceOptions } from './async-resource.js';
export type { EmitterStats, EventEmitterCallable, EventEmitterOptions } from './emitter.js';
export { EmitterScope } from './emitter-scope.js';
export {
  EventBufferOverflowError,
  ListenerLimitError,
  type ListenerSite,
  ScopeDisposedError,
} from './errors.js';
export { DEFAULT_LISTENER_LIMIT, getDefaultListenerLimit, setDefaultListenerLimit } from './limit.js';
export {
  createScope,
  ListenerScope,
  type ScopeListener,
  type ScopeOptions,
  type ScopeStats,
} from './listener-scope.js';
export { DEFAULT_HIGH_WATER_MARK, type OnOptions, type OverflowPolicy, on } from './on.js';
export { type OnceOptions, once } from './once.js';
export { EventEmitter, type EventEmitterConstructor } from './surface.js';
export type {
  Args,
  DefaultEventMap,
  EmitterLike,
  EventMap,
  Key,
  Key2,
  Listener,
  Listener1,
  Listener2,
  ListenerOptions,
} from './types.js';

export default EventEmitter;

/** Node's `getEventListeners`: a copy of the listeners of an emitter or `EventTarget`. */
export const getEventListeners: typeof NodeEventEmitter.getEventListeners = NodeEvents.getEventListeners;
/** Node's `getMaxListeners`: the warning threshold of an emitter or `EventTarget`. */
export const getMaxListeners: typeof NodeEventEmitter.getMaxListeners = NodeEvents.getMaxListeners;
/** Node's `setMaxListeners`: sets the warning threshold (not the hard limit). */
export const setMaxListeners: typeof NodeEventEmitter.setMaxListeners = NodeEvents.setMaxListeners;
/** Node's deprecated `listenerCount(emitter, event)`. */
export const listenerCount: typeof NodeEventEmitter.listenerCount = NodeEvents.listenerCount;
/** Node's `addAbortListener`: a `Disposable` abort listener that survives `stopImmediatePropagation`. */
export const addAbortListener: typeof NodeEventEmitter.addAbortListener = NodeEvents.addAbortListener;
/** Node's `errorMonitor` symbol: observe `'error'` without handling it. */
export const errorMonitor: typeof NodeEventEmitter.errorMonitor = NodeEvents.errorMonitor;
/** Node's `captureRejectionSymbol`. */
export const captureRejectionSymbol: typeof NodeEventEmitter.captureRejectionSymbol =
  NodeEvents.captureRejectionSymbol;
/** Node's `captureRejections` at load time (set it through `EventEmitter.captureRejections`). */
export const captureRejections: boolean = NodeEvents.captureRejections;
/** Node's `defaultMaxListeners` at load time (set it through `EventEmitter.defaultMaxListeners`). */
export const defaultMaxListeners: number = NodeEvents.defaultMaxListeners;
/** Node's `usingDomains`. */
export const usingDomains: boolean =
  (NodeEvents as unknown as { usingDomains?: boolean }).usingDomains ?? false;
/** `EventEmitter.init`, for code that calls it directly. */
export const init: (this: object, options?: import('./emitter.js').EventEmitterOptions) => void =
  EventEmitter.init;
