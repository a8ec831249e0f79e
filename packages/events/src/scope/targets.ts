import { invalidArgType } from '@leakproof/core';
import { forget, kSlot, type OnceWrapper, record } from './listener-storage.js';
import type { ScopeState } from './types.js';

/**
 * The two kinds of target a scope adds listeners to: a Node-style emitter
 * (`on`/`removeListener`: every `node:events` emitter, streams, sockets) and an
 * `EventTarget` (`addEventListener`/`removeEventListener`: `AbortSignal`, `MessagePort`, ...).
 */

type Fn = (...args: never[]) => unknown;

interface EmitterTarget {
  on(type: string | symbol, listener: Function): unknown;
  removeListener(type: string | symbol, listener: Function): unknown;
}
interface DomTarget {
  addEventListener(type: string, listener: unknown, options?: unknown): void;
  removeEventListener(type: string, listener: unknown): void;
}

function isEmitter(target: object): target is EmitterTarget {
  const t = target as Partial<EmitterTarget>;
  return typeof t.on === 'function' && typeof t.removeListener === 'function';
}

function isEventTarget(target: object): target is DomTarget {
  const t = target as Partial<DomTarget>;
  return typeof t.addEventListener === 'function' && typeof t.removeEventListener === 'function';
}

function addToEmitter(
  state: ScopeState,
  target: EmitterTarget,
  type: unknown,
  listener: unknown,
  once: boolean,
): void {
  if (typeof type !== 'string' && typeof type !== 'symbol') {
    throw invalidArgType('event', 'a string or a symbol', type);
  }
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
}

function addToEventTarget(
  state: ScopeState,
  target: DomTarget,
  type: unknown,
  listener: unknown,
  once: boolean,
): void {
  if (typeof type !== 'string') throw invalidArgType('event', 'a string', type);
  if (
    typeof listener !== 'function' &&
    typeof (listener as { handleEvent?: unknown } | null)?.handleEvent !== 'function'
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
}

/** Adds `listener` to `target` and records it in the scope, or throws having recorded nothing. */
export function addTo(
  state: ScopeState,
  target: unknown,
  type: unknown,
  listener: unknown,
  once: boolean,
): void {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw invalidArgType('target', 'an EventEmitter or an EventTarget', target);
  }
  if (isEmitter(target)) addToEmitter(state, target, type, listener, once);
  else if (isEventTarget(target)) addToEventTarget(state, target, type, listener, once);
  else throw invalidArgType('target', 'an EventEmitter or an EventTarget', target);
}

/** Removes what a scope registered from its target. */
export function removeFrom(target: object, type: string | symbol, registered: unknown): void {
  if (isEmitter(target)) target.removeListener(type, registered as Function);
  else (target as DomTarget).removeEventListener(type as string, registered);
}
