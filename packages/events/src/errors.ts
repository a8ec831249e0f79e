import { DisposedError, errorMessage, LeakproofError } from '@leakproof/core';

/** Where listeners of one event were added, and how many from there. */
export interface ListenerSite {
  /** The call site's stack, innermost frame first. */
  readonly stack: string;
  /** How many of the event's current listeners were added from it. */
  readonly count: number;
}

/**
 * Thrown by `on`/`addListener`/`prependListener`/`once` when an event already has
 * `listenerLimit` listeners. Code: `ERR_LISTENER_LIMIT`. Nothing is added. The message
 * says how to raise the limit.
 */
export class ListenerLimitError extends LeakproofError {
  /** The emitter's name (its `name` option, or its constructor's name). */
  readonly emitterName: string;
  /** The event the listener was for. */
  readonly eventName: string | symbol;
  /** Listeners the event has (the add that failed not counted). */
  readonly count: number;
  /** The limit in force. */
  readonly limit: number;
  /** With stack capture on: the call sites that added most of the listeners, most first. */
  readonly sites: readonly ListenerSite[];

  constructor(
    emitterName: string,
    eventName: string | symbol,
    count: number,
    limit: number,
    sites: ListenerSite[],
  ) {
    const where =
      sites.length === 0
        ? ' Turn on stack capture (LEAKPROOF_CAPTURE_STACKS=1 or setStackCapture(true)) to see where they were added.'
        : `\nMost listeners were added at:\n${sites.map((s) => `  ${s.count} from\n    ${s.stack.split('\n').join('\n    ')}`).join('\n')}`;
    super(
      'ERR_LISTENER_LIMIT',
      errorMessage('ERR_LISTENER_LIMIT', { emitter: emitterName, event: eventName, count, limit, where }),
    );
    this.emitterName = emitterName;
    this.eventName = eventName;
    this.count = count;
    this.limit = limit;
    this.sites = sites;
  }
}

/** Thrown when a listener is added through a scope that has been disposed. Code: `ERR_SCOPE_DISPOSED`. */
export class ScopeDisposedError extends DisposedError {
  constructor(what = 'ListenerScope') {
    super(what, 'ERR_SCOPE_DISPOSED', errorMessage('ERR_SCOPE_DISPOSED', { what }));
  }
}

/**
 * Ends an `on()` iteration whose buffer filled up under the `'error'` overflow policy.
 * Code: `ERR_EVENT_BUFFER_OVERFLOW`.
 */
export class EventBufferOverflowError extends LeakproofError {
  /** The buffer's bound (`highWaterMark`). */
  readonly highWaterMark: number;

  constructor(eventName: string | symbol, highWaterMark: number) {
    super(
      'ERR_EVENT_BUFFER_OVERFLOW',
      errorMessage('ERR_EVENT_BUFFER_OVERFLOW', { event: eventName, highWaterMark }),
    );
    this.highWaterMark = highWaterMark;
  }
}
