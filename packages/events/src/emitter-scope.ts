import { invalidArgType } from '@leakproof/core';
import { childOptions } from './listener-scope.js';
import { ScopeBase, type ScopeOptions } from './scope/base.js';
import type { DefaultEventMap, EventMap, Key, Listener1 } from './types.js';

/**
 * A scope bound to one emitter, from `emitter.scope()`: `on`/`once` take the event and
 * listener only, typed by the emitter's event map. Everything else is {@link ScopeBase}'s.
 *
 * @example
 * ```ts
 * using scope = orders.scope({ signal: AbortSignal.timeout(30_000) });
 * scope.on('created', (order) => console.log(order.id));
 * ```
 */
export class EmitterScope<T extends EventMap<T> = DefaultEventMap> extends ScopeBase {
  /** The emitter this scope adds listeners to. */
  readonly emitter: object;

  /** Prefer `emitter.scope()`. */
  constructor(emitter: object, options?: ScopeOptions) {
    const e = emitter as { on?: unknown; removeListener?: unknown } | null;
    if (typeof e?.on !== 'function' || typeof e.removeListener !== 'function') {
      throw invalidArgType('emitter', 'an EventEmitter', emitter);
    }
    super(options, 1);
    this.emitter = emitter;
  }

  /** Adds `listener` for `event` until the scope is disposed. */
  on<K>(event: Key<K, T>, listener: Listener1<K, T>): this {
    this.add(this.emitter, event, listener, false);
    return this;
  }

  /** Adds `listener` for the next `event` only; the scope forgets it once it has run. */
  once<K>(event: Key<K, T>, listener: Listener1<K, T>): this {
    this.add(this.emitter, event, listener, true);
    return this;
  }

  /** Removes the newest registration of `listener` this scope made; `false` if there was none. */
  off<K>(event: Key<K, T>, listener: Listener1<K, T>): boolean {
    return this.remove(this.emitter, event as string | symbol, listener);
  }

  /** A scope on the same emitter, disposed with this one. */
  child(options?: Omit<ScopeOptions, 'parent'> | undefined): EmitterScope<T> {
    return new EmitterScope<T>(this.emitter, { ...childOptions(options), parent: this });
  }

  get [Symbol.toStringTag](): string {
    return 'EmitterScope';
  }
}
