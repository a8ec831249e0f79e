import { validateOptions } from '@leakproof/core';
import { ScopeBase, type ScopeOptions, type ScopeStats } from './scope/base.js';
import type { ScopeEventName, ScopeListenerFor } from './types.js';

export type { ScopeOptions, ScopeStats };

/**
 * Any listener a scope accepts: a function, or (for an `EventTarget`) an `EventListenerObject`.
 * `scope.on()` narrows it from the target: see {@link ScopeListenerFor}.
 */
export type ScopeListener = Function | { handleEvent(event: Event): unknown };

/**
 * Listeners added through a scope are removed together when it is disposed: on every
 * emitter and `EventTarget` it touched, children first, last-in-first-out. Tie it to a
 * request with `{ signal }` or `using`; a scope dropped without dispose is reported
 * (`LEAKPROOF_SCOPE_LEAKED`) and its listeners removed when it is garbage-collected.
 *
 * @example
 * ```ts
 * using scope = createScope({ signal: AbortSignal.timeout(30_000) });
 * scope.on(inventory, 'change', (item) => console.log(item.sku)); // typed from inventory's event map
 * scope.on(socket, 'close', onClose);
 * ```
 */
export class ListenerScope extends ScopeBase {
  /** Prefer {@link createScope}. */
  constructor(options?: ScopeOptions) {
    super(options, 1);
  }

  /**
   * Adds `listener` for `event` on `target` (an `EventEmitter`-like with `on`/`removeListener`,
   * or an `EventTarget`) until the scope is disposed. The listener's parameters are typed
   * from the target's event map. Throws `ERR_SCOPE_DISPOSED` on a disposed scope, and
   * whatever the target throws (`ERR_LISTENER_LIMIT`), adding nothing.
   */
  on<E extends object, K extends ScopeEventName<E>>(
    target: E,
    event: K,
    listener: ScopeListenerFor<E, K>,
  ): this {
    this.add(target, event, listener, false);
    return this;
  }

  /** Like {@link on}, for one call: the scope forgets the listener once it has run. */
  once<E extends object, K extends ScopeEventName<E>>(
    target: E,
    event: K,
    listener: ScopeListenerFor<E, K>,
  ): this {
    this.add(target, event, listener, true);
    return this;
  }

  /** Removes the newest registration of `listener` this scope made; `false` if there was none. */
  off<E extends object, K extends ScopeEventName<E>>(
    target: E,
    event: K,
    listener: ScopeListenerFor<E, K>,
  ): boolean {
    return this.remove(target, event, listener);
  }

  /** A scope disposed with this one (and before this one's own listeners). */
  child(options?: Omit<ScopeOptions, 'parent'> | undefined): ListenerScope {
    return new ListenerScope({ ...childOptions(options), parent: this });
  }

  get [Symbol.toStringTag](): string {
    return 'ListenerScope';
  }
}

/** The options of `child()`: `parent` is the scope itself. @internal */
export function childOptions(options: Omit<ScopeOptions, 'parent'> | undefined): ScopeOptions {
  return options === undefined
    ? {}
    : validateOptions<ScopeOptions>(options, 'options', ['signal', 'name'], { owner: 'scope.child()' });
}

/**
 * Creates a {@link ListenerScope}.
 *
 * @example
 * ```ts
 * const scope = createScope({ signal: AbortSignal.timeout(5_000) });
 * scope.once(socket, 'data', onFirstChunk);
 * ```
 */
export function createScope(options?: ScopeOptions): ListenerScope {
  return new ListenerScope(options);
}
