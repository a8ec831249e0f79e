import { defineErrors } from './define.js';

/**
 * The codes of @leakproof/events. Node's argument codes (`ERR_INVALID_ARG_TYPE`,
 * `ERR_OUT_OF_RANGE`, `ERR_INVALID_ARG_VALUE`) are core's; where `node:events` defines the
 * misuse, the events package words them as Node does.
 */
export const eventsErrors = defineErrors({
  ERR_LISTENER_LIMIT: {
    kind: 'LeakproofError',
    summary: "an add would pass the emitter's hard `listenerLimit` for that event; nothing is added",
    message: (p: { emitter: string; event: string | symbol; count: number; limit: number; where: string }) =>
      `Listener limit reached on ${p.emitter} for event ${String(p.event)}: it has ${p.count} listeners and the limit is ${p.limit}. ` +
      'A listener is probably added per operation and never removed: use a ListenerScope or { signal }. ' +
      `If this many listeners is intended, raise the limit: emitter.setListenerLimit(${p.limit * 2}), ` +
      `new EventEmitter({ listenerLimit: ${p.limit * 2} }), or setDefaultListenerLimit(${p.limit * 2}) for the process.${p.where}`,
  },
  ERR_SCOPE_DISPOSED: {
    kind: 'DisposedError',
    summary: 'a listener or child was added through a scope already disposed (or born of an aborted signal)',
    message: (p: { what: string }) => `${p.what} has been disposed and cannot be used`,
  },
  ERR_EVENT_BUFFER_OVERFLOW: {
    kind: 'LeakproofError',
    summary: "`on()`'s buffer filled up under `overflow: 'error'`",
    message: (p: { event: string | symbol; highWaterMark: number }) =>
      `More than ${p.highWaterMark} ${String(p.event)} events were buffered by on() without being consumed. Consume faster, raise highWaterMark, or choose overflow: 'drop-oldest' | 'drop-newest'.`,
  },
  ERR_ONCE_TIMEOUT: {
    kind: 'TimeoutError',
    summary: "`once()`'s `timeoutMs` elapsed before the event",
    message: (p: { event: string | symbol; timeoutMs: number }) =>
      `Timed out after ${p.timeoutMs} ms waiting for event ${String(p.event)}`,
  },
  ERR_INVALID_THIS: {
    kind: 'TypeError',
    summary: "a method of `EventEmitterAsyncResource` was called on something else (Node's code and message)",
    message: (p: { type: string }) => `Value of "this" must be of type ${p.type}`,
  },
});
