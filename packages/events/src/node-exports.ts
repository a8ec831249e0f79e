// The named exports of node:events that leakproof passes through unchanged.
import NodeEvents, { type EventEmitter as NodeEventEmitter } from 'node:events';
import { EventEmitter } from './event-emitter.js';
import type { EventEmitterOptions } from './prototype.js';

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
/** Node's `usingDomains` at load time (read `EventEmitter.usingDomains` for the live flag). */
export const usingDomains: boolean =
  (NodeEvents as unknown as { usingDomains?: boolean | undefined }).usingDomains ?? false;
/** `EventEmitter.init`, for code that calls it directly. */
export const init: (this: object, options?: EventEmitterOptions) => void = EventEmitter.init;
