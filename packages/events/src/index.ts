import { EventEmitter } from './event-emitter.js';

export type {
  EventEmitterAsyncResourceOptions,
  EventEmitterReferencingAsyncResource,
} from './async-resource.js';
export { EmitterScope } from './emitter-scope.js';
export {
  EventBufferOverflowError,
  ListenerLimitError,
  type ListenerSite,
  ScopeDisposedError,
} from './errors.js';
export { EventEmitter, EventEmitterAsyncResource, type EventEmitterConstructor } from './event-emitter.js';
export { DEFAULT_LISTENER_LIMIT, getDefaultListenerLimit, setDefaultListenerLimit } from './limit.js';
export {
  createScope,
  ListenerScope,
  type ScopeListener,
  type ScopeOptions,
  type ScopeStats,
} from './listener-scope.js';
export {
  addAbortListener,
  captureRejectionSymbol,
  captureRejections,
  defaultMaxListeners,
  errorMonitor,
  getEventListeners,
  getMaxListeners,
  init,
  listenerCount,
  setMaxListeners,
  usingDomains,
} from './node-exports.js';
export { DEFAULT_HIGH_WATER_MARK, type OnOptions, type OverflowPolicy, on } from './on.js';
export { type OnceOptions, once } from './once.js';
export type { EmitterStats, EventEmitterCallable, EventEmitterOptions } from './prototype.js';
export { ScopeBase } from './scope/base.js';
export type {
  Args,
  DefaultEventMap,
  EmitterLike,
  EventMap,
  EventMapOf,
  Key,
  Key2,
  Listener,
  Listener1,
  Listener2,
  ListenerOptions,
  ScopeEventName,
  ScopeListenerFor,
} from './types.js';

export default EventEmitter;
