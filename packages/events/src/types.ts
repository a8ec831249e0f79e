/**
 * The event-map typing `@types/node` gives `EventEmitter<T>`, restated so the package's
 * types stand alone. `new EventEmitter<{ order: [Order]; closed: [] }>()` checks event
 * names and argument tuples; with no map, any name and arguments are accepted.
 */

/** An event map: event name → tuple of listener arguments, or the untyped default. */
export type EventMap<T> = Record<keyof T, unknown[]> | DefaultEventMap;
/** The "untyped" marker `@types/node` uses: any event name, any arguments. */
export type DefaultEventMap = [never];
/** Any argument list. */
// biome-ignore lint/suspicious/noExplicitAny: mirrors @types/node so untyped emitters accept any listener
export type AnyRest = [...args: any[]];
/** The argument tuple of event `K` in map `T`. */
export type Args<K, T> = T extends DefaultEventMap ? AnyRest : K extends keyof T ? T[K] : never;
/** An event name of map `T`. */
export type Key<K, T> = T extends DefaultEventMap ? string | symbol : K | keyof T;
/** An event name of map `T`, narrowed to the map's keys. */
export type Key2<K, T> = T extends DefaultEventMap ? string | symbol : K & keyof T;
/** A listener for event `K` of map `T`. */
export type Listener<K, T, F> = T extends DefaultEventMap
  ? F
  : K extends keyof T
    ? T[K] extends unknown[]
      ? (...args: T[K]) => void
      : never
    : never;
/** A listener for event `K` of map `T` (untyped: any function of any arguments). */
// biome-ignore lint/suspicious/noExplicitAny: mirrors @types/node
export type Listener1<K, T> = Listener<K, T, (...args: any[]) => void>;
/** A listener as `listeners()` returns it. */
export type Listener2<K, T> = Listener<K, T, Function>;

/** Options accepted as the third argument of `on`, `addListener`, `once`, `prependListener`, `prependOnceListener`. */
export interface ListenerOptions {
  /** The listener is removed when this signal aborts; an already-aborted signal adds nothing. */
  readonly signal?: AbortSignal | undefined;
}

/** Anything with Node's `on`/`removeListener` pair: every `node:events` emitter, streams, sockets. */
export interface EmitterLike {
  on(event: string | symbol, listener: (...args: never[]) => unknown): unknown;
  removeListener(event: string | symbol, listener: (...args: never[]) => unknown): unknown;
}

/**
 * Carries an emitter's event map in its type (no runtime property), so scopes can type a
 * listener from the emitter it is added to.
 */
export declare const kEventMap: unique symbol;

// biome-ignore lint/suspicious/noExplicitAny: a listener of an untyped event takes any arguments, as in @types/node
type AnyListener = (...args: any[]) => unknown;

/** The event map of an emitter type: leakproof's and `node:events`' generic emitters carry one. */
export type EventMapOf<E> = E extends { readonly [kEventMap]?: infer M | undefined }
  ? M
  : E extends import('node:events').EventEmitter<infer M extends EventMap<M>>
    ? M
    : DefaultEventMap;

type IsEventTarget<E> = E extends { addEventListener: Function }
  ? E extends { on: Function }
    ? false
    : true
  : false;

type Typed<M> = [M] extends [DefaultEventMap]
  ? false
  : [M] extends [Record<PropertyKey, unknown[]>]
    ? true
    : false;

/** The event names a scope accepts for target `E`: its map's keys, or any name when untyped. */
export type ScopeEventName<E> =
  IsEventTarget<E> extends true
    ? string
    : Typed<EventMapOf<E>> extends true
      ? keyof EventMapOf<E> & (string | symbol)
      : string | symbol;

/**
 * The listener a scope accepts for event `K` of target `E`: typed from the emitter's event
 * map (`(item: Item) => …`), `(event: Event) => …` or an `EventListenerObject` for an
 * `EventTarget`, and any function for an untyped emitter.
 */
export type ScopeListenerFor<E, K> =
  IsEventTarget<E> extends true
    ? ((event: Event) => unknown) | { handleEvent(event: Event): unknown }
    : Typed<EventMapOf<E>> extends true
      ? K extends keyof EventMapOf<E>
        ? EventMapOf<E>[K] extends unknown[]
          ? (...args: EventMapOf<E>[K]) => unknown
          : AnyListener
        : AnyListener
      : AnyListener;
