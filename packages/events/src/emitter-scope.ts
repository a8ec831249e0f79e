import { validateOptions } from '@leakproof/core';
import { kScopeState, newScopeState, type ScopeOptions } from './listener-scope.js';
import {
  attach,
  detach,
  disposeState,
  type ScopeState,
  type ScopeStats,
  scopeStats,
  signalOf,
} from './scope-state.js';
import type { DefaultEventMap, EventMap, Key, Listener1 } from './types.js';

/**
 * A scope bound to one emitter, from `emitter.scope()`: `on`/`once` take the event and
 * listener only, typed by the emitter's event map. Everything else is {@link ListenerScope}'s.
 *
 * @example
 * ```ts
 * using scope = orders.scope({ signal: req.signal });
 * scope.on('created', (order) => res.write(JSON.stringify(order)));
 * ```
 */
export class EmitterScope<T extends EventMap<T> = DefaultEventMap> implements Disposable {
  /** @internal */
  declare readonly [kScopeState]: ScopeState;
  /** The emitter this scope adds listeners to. */
  readonly emitter: object;

  /** Prefer `emitter.scope()`. */
  constructor(emitter: object, options?: ScopeOptions) {
    this.emitter = emitter;
    this[kScopeState] = newScopeState(this, options, 1);
  }

  /** Adds `listener` for `event` until the scope is disposed. */
  on<K>(event: Key<K, T>, listener: Listener1<K, T>): this {
    attach(this[kScopeState], this.emitter, event as string | symbol, listener, false);
    return this;
  }

  /** Adds `listener` for the next `event` only; the scope forgets it once it has run. */
  once<K>(event: Key<K, T>, listener: Listener1<K, T>): this {
    attach(this[kScopeState], this.emitter, event as string | symbol, listener, true);
    return this;
  }

  /** Removes the newest registration of `listener` this scope made; `false` if there was none. */
  off<K>(event: Key<K, T>, listener: Listener1<K, T>): boolean {
    return detach(this[kScopeState], this.emitter, event as string | symbol, listener);
  }

  /** A scope on the same emitter, disposed with this one. */
  child(options?: Omit<ScopeOptions, 'parent'>): EmitterScope<T> {
    return new EmitterScope<T>(this.emitter, { ...validateOptions<ScopeOptions>(options), parent: this });
  }

  /** Aborts when the scope is disposed. */
  get signal(): AbortSignal {
    return signalOf(this[kScopeState]);
  }

  /** Listeners the scope holds now. */
  get size(): number {
    return this[kScopeState].live;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this[kScopeState].disposed;
  }

  /** Plain figures: listeners held, live children, disposed (0/1). */
  stats(): ScopeStats {
    return scopeStats(this[kScopeState]);
  }

  /** Removes every listener the scope added. Idempotent. */
  dispose(): void {
    disposeState(this[kScopeState]);
  }

  [Symbol.dispose](): void {
    disposeState(this[kScopeState]);
  }

  get [Symbol.toStringTag](): string {
    return 'EmitterScope';
  }
}
