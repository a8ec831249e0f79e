import {
  invalidArgType,
  registerPrimitive,
  validateAbortSignal,
  validateOptions,
  validateString,
} from '@leakproof/core';
import { ScopeDisposedError } from '../errors.js';
import { createState } from './create.js';
import { disposeState } from './dispose.js';
import { take } from './listener-storage.js';
import { addTo, removeFrom } from './targets.js';
import type { ScopeState } from './types.js';

/** Options of `createScope()`, `emitter.scope()` and `scope.child()`. */
export interface ScopeOptions {
  /** Disposes the scope when it aborts (a request's or a job's signal). The scope lives as long as the signal. */
  readonly signal?: AbortSignal | undefined;
  /** Disposes the scope when the parent is disposed; the parent keeps the child alive until then. */
  readonly parent?: ScopeBase | undefined;
  /** Names the scope in leak warnings; a named scope also registers in core's registry (kind `'scope'`). */
  readonly name?: string | undefined;
}

/** Figures a scope reports. */
export type ScopeStats = {
  /** Listeners the scope holds now. */
  readonly listeners: number;
  /** Live child scopes. */
  readonly children: number;
  /** 1 once disposed. */
  readonly disposed: number;
};

const SCOPE_OPTIONS = ['signal', 'parent', 'name'];

let stateOf: (scope: unknown) => ScopeState | undefined;

function statsOf(state: ScopeState): ScopeStats {
  return { listeners: state.live, children: state.children?.size ?? 0, disposed: state.disposed ? 1 : 0 };
}

/**
 * What {@link ListenerScope} and {@link EmitterScope} share: the bookkeeping, disposal,
 * `signal`, `size`, `disposed`, `name` and `stats()`. Listeners are removed together on
 * dispose — children first, then the scope's own, last-in-first-out.
 */
export abstract class ScopeBase implements Disposable {
  readonly #state: ScopeState;

  static {
    stateOf = (scope) =>
      typeof scope === 'object' && scope !== null && #state in scope ? scope.#state : undefined;
  }

  /** `skipFrames`: constructor frames between the user's call and this one, for the leak report's stack. */
  protected constructor(options: ScopeOptions | undefined, skipFrames: number) {
    this.#state = newState(this, options, skipFrames + 1);
  }

  /** Adds through this scope (`once`: the scope forgets the listener once it has run). */
  protected add(target: unknown, event: unknown, listener: unknown, once: boolean): void {
    const state = this.#state;
    if (state.disposed) throw new ScopeDisposedError();
    addTo(state, target, event, listener, once);
  }

  /** Removes the newest registration of `listener` this scope made; `false` if there was none. */
  protected remove(target: object, event: string | symbol, listener: unknown): boolean {
    const registered = take(this.#state, target, event, listener);
    if (registered === undefined) return false;
    removeFrom(target, event, registered);
    return true;
  }

  /** Aborts when the scope is disposed: pass it to `fetch`, timers, `events.once`... */
  get signal(): AbortSignal {
    const state = this.#state;
    if (state.controller === undefined) {
      state.controller = new AbortController();
      if (state.disposed) state.controller.abort();
    }
    return state.controller.signal;
  }

  /** Listeners the scope holds now (not counting children's). */
  get size(): number {
    return this.#state.live;
  }

  /** True once disposed (directly, by its parent, or by its signal). */
  get disposed(): boolean {
    return this.#state.disposed;
  }

  /** The scope's name, if it was given one. */
  get name(): string | undefined {
    return this.#state.name;
  }

  /** Plain figures: listeners held, live children, disposed (0/1). */
  stats(): ScopeStats {
    return statsOf(this.#state);
  }

  /** Removes every listener the scope (and its children) added. Idempotent. */
  dispose(): void {
    disposeState(this.#state);
  }

  [Symbol.dispose](): void {
    disposeState(this.#state);
  }
}

function newState(scope: object, options: ScopeOptions | undefined, skipFrames: number): ScopeState {
  if (options === undefined) return createState(scope, undefined, undefined, undefined, skipFrames + 1);
  const opts = validateOptions<ScopeOptions>(options, 'options', SCOPE_OPTIONS, { owner: 'ListenerScope' });
  const signal = opts.signal === undefined ? undefined : validateAbortSignal(opts.signal, 'options.signal');
  const name = opts.name === undefined ? undefined : validateString(opts.name, 'options.name');
  let parent: ScopeState | undefined;
  if (opts.parent !== undefined) {
    parent = stateOf(opts.parent);
    if (parent === undefined)
      throw invalidArgType('options.parent', 'a ListenerScope or an EmitterScope', opts.parent);
  }
  const state = createState(scope, parent, signal, name, skipFrames + 1);
  if (name !== undefined && !state.disposed) {
    state.registration = registerPrimitive(scope, {
      kind: 'scope',
      name,
      stats: (s) => statsOf(stateOf(s)!) as unknown as Record<string, number>,
    });
  }
  return state;
}
