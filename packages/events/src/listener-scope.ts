import {
  invalidArgType,
  registerPrimitive,
  validateAbortSignal,
  validateOptions,
  validateString,
} from '@leakproof/core';
import {
  attach,
  createState,
  detach,
  disposeState,
  type ScopeListener,
  type ScopeState,
  type ScopeStats,
  scopeStats,
  signalOf,
} from './scope-state.js';

/** The key under which every scope object keeps its state (so `parent` can be any scope kind). */
export const kScopeState: unique symbol = Symbol('leakproof.events.scope');

/** Options of {@link createScope} and `scope.child()`. */
export interface ScopeOptions {
  /** Disposes the scope when it aborts (a request's or a job's signal). The scope lives as long as the signal. */
  readonly signal?: AbortSignal | undefined;
  /** Disposes the scope when the parent is disposed; the parent keeps the child alive until then. */
  readonly parent?: ListenerScope | { readonly [kScopeState]: ScopeState } | undefined;
  /** Names the scope in leak warnings; a named scope also registers in core's registry (kind `'scope'`). */
  readonly name?: string | undefined;
}

/** The listener type a scope accepts for a target: function listeners, or `EventListenerObject`s on an `EventTarget`. */
export type { ScopeListener, ScopeStats };

/** Validates scope options and builds the state for `scope`. @internal */
export function newScopeState(
  scope: object,
  options: ScopeOptions | undefined,
  skipFrames: number,
): ScopeState {
  if (options === undefined) return createState(scope, undefined, undefined, undefined, skipFrames + 1);
  const opts = validateOptions<ScopeOptions>(options);
  const signal = opts.signal === undefined ? undefined : validateAbortSignal(opts.signal, 'signal');
  const name = opts.name === undefined ? undefined : validateString(opts.name, 'name');
  let parent: ScopeState | undefined;
  if (opts.parent !== undefined) {
    parent = (opts.parent as { [kScopeState]?: ScopeState })?.[kScopeState];
    if (parent === undefined) throw invalidArgType('parent', 'a ListenerScope', opts.parent);
  }
  const state = createState(scope, parent, signal, name, skipFrames + 1);
  if (name !== undefined && !state.disposed) {
    state.registration = registerPrimitive(scope, {
      kind: 'scope',
      name,
      stats: (s) =>
        scopeStats((s as { [kScopeState]: ScopeState })[kScopeState]) as unknown as Record<string, number>,
    });
  }
  return state;
}

/**
 * Listeners added through a scope are removed together when it is disposed: on every
 * emitter and `EventTarget` it touched, children first, last-in-first-out. Tie it to a
 * request with `{ signal }` or `using`; a scope dropped without dispose is reported
 * (`LEAKPROOF_SCOPE_LEAKED`) and its listeners removed when it is garbage-collected.
 *
 * @example
 * ```ts
 * using scope = createScope({ signal: req.signal });
 * scope.on(inventory, 'change', (item) => res.write(`${item}\n`));
 * scope.on(socket, 'close', onClose);
 * ```
 */
export class ListenerScope implements Disposable {
  /** @internal */
  declare readonly [kScopeState]: ScopeState;

  /** Prefer {@link createScope}. */
  constructor(options?: ScopeOptions) {
    this[kScopeState] = newScopeState(this, options, 1);
  }

  /**
   * Adds `listener` for `event` on `target` (an `EventEmitter`-like with `on`/`removeListener`,
   * or an `EventTarget`) until the scope is disposed. Throws `ERR_SCOPE_DISPOSED` on a
   * disposed scope, and whatever the target throws (`ERR_LISTENER_LIMIT`), adding nothing.
   */
  on(target: object, event: string | symbol, listener: ScopeListener): this {
    attach(this[kScopeState], target, event, listener, false);
    return this;
  }

  /** Like {@link on}, for one call: the scope forgets the listener once it has run. */
  once(target: object, event: string | symbol, listener: ScopeListener): this {
    attach(this[kScopeState], target, event, listener, true);
    return this;
  }

  /** Removes the newest registration of `listener` this scope made; `false` if there was none. */
  off(target: object, event: string | symbol, listener: ScopeListener): boolean {
    return detach(this[kScopeState], target, event, listener);
  }

  /** A scope disposed with this one (and before this one's own listeners). */
  child(options?: Omit<ScopeOptions, 'parent'>): ListenerScope {
    return new ListenerScope({ ...validateOptions<ScopeOptions>(options), parent: this });
  }

  /** Aborts when the scope is disposed: pass it to `fetch`, timers, `events.once`... */
  get signal(): AbortSignal {
    return signalOf(this[kScopeState]);
  }

  /** Listeners the scope holds now (not counting children's). */
  get size(): number {
    return this[kScopeState].live;
  }

  /** True once disposed (directly, by its parent, or by its signal). */
  get disposed(): boolean {
    return this[kScopeState].disposed;
  }

  /** The scope's name, if it was given one. */
  get name(): string | undefined {
    return this[kScopeState].name;
  }

  /** Plain figures: listeners held, live children, disposed (0/1). */
  stats(): ScopeStats {
    return scopeStats(this[kScopeState]);
  }

  /** Removes every listener the scope (and its children) added. Idempotent. */
  dispose(): void {
    disposeState(this[kScopeState]);
  }

  [Symbol.dispose](): void {
    disposeState(this[kScopeState]);
  }

  get [Symbol.toStringTag](): string {
    return 'ListenerScope';
  }
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
