import { invalidArgType, validateObject } from './validate.js';

/**
 * The process-wide registry of live leakproof primitives. Each primitive registers itself
 * weakly: the registry holds a `WeakRef` and never keeps a primitive alive. A disposed
 * primitive unregisters; a collected one drops out on its own. `memwatch` finds caches,
 * pools and emitters here, never by importing their packages.
 */

/** Plain numeric figures a primitive reports. */
export type PrimitiveStats = Readonly<Record<string, number>>;

/** How a primitive describes itself to the registry. */
export interface RegisterOptions<T extends object> {
  /** What it is: `'cache'`, `'set'`, `'pool'`, `'emitter'`, `'scope'`, ... */
  readonly kind: string;
  /** The user's name for it. @default `${kind}#${id}` */
  readonly name?: string | undefined;
  /**
   * Reads the figures. Receives the primitive, so it need not capture it.
   * @default the primitive's own `stats()` method (required then)
   */
  readonly stats?: ((target: T) => PrimitiveStats) | undefined;
  /**
   * Frees a share (0..1) of what the primitive holds, least valuable first; the memory
   * governor calls it under pressure. Only primitives that can shed load provide it.
   */
  readonly compact?: ((target: T, fraction: number) => void) | undefined;
}

/** A live primitive as {@link listPrimitives} reports it. */
export interface PrimitiveInfo {
  readonly id: number;
  readonly kind: string;
  readonly name: string;
  /** Figures read when the list was taken. */
  readonly stats: PrimitiveStats;
  /** Present when the primitive can shed load; a no-op once it is gone. */
  readonly compact?: ((fraction: number) => void) | undefined;
}

/** The handle `registerPrimitive` returns; disposing it unregisters. */
export interface Registration extends Disposable {
  readonly id: number;
  readonly name: string;
  unregister(): void;
}

interface Entry {
  readonly id: number;
  readonly kind: string;
  readonly name: string;
  readonly ref: WeakRef<object>;
  readonly stats: (target: object) => PrimitiveStats;
  readonly compact: ((target: object, fraction: number) => void) | undefined;
}

// Module-level, so no registration closure ever shares a context with the primitive.
const ownStats = (target: object): PrimitiveStats => (target as { stats(): PrimitiveStats }).stats();

interface RegistryState {
  nextId: number;
  readonly entries: Map<number, Entry>;
  readonly collected: FinalizationRegistry<number>;
}

// One registry per process, shared by every copy of core that is loaded (the ESM and the
// CJS build, or two versions in one node_modules tree), so memwatch sees every primitive.
const STATE_KEY = Symbol.for('leakproof.core.registry.v1');
const state: RegistryState = ((globalThis as Record<symbol, RegistryState | undefined>)[STATE_KEY] ??=
  (() => {
    const entries = new Map<number, Entry>();
    return { nextId: 1, entries, collected: new FinalizationRegistry<number>((id) => entries.delete(id)) };
  })());
const { entries, collected } = state;

/**
 * Registers `target` weakly. The returned handle's `unregister()` (or dispose) removes it;
 * call it from the primitive's own dispose.
 *
 * Leave `stats` out when the primitive has a `stats()` method; otherwise pass `stats` and
 * `compact` as module-level functions, not closures written inside the primitive's
 * constructor: V8 gives all closures of one function a shared context, so an inline
 * `stats` created beside any closure that uses `this` holds the primitive strongly and the
 * registry would keep it alive forever.
 */
export function registerPrimitive<T extends object>(target: T, options: RegisterOptions<T>): Registration {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw invalidArgType('target', 'an object', target);
  }
  validateObject(options, 'options');
  if (typeof options.kind !== 'string' || options.kind === '')
    throw invalidArgType('options.kind', 'a non-empty string', options.kind);
  const id = state.nextId++;
  const name = options.name ?? `${options.kind}#${id}`;
  if (options.stats === undefined && typeof (target as { stats?: unknown }).stats !== 'function') {
    throw invalidArgType('options.stats', 'a function (the primitive has no stats() method)', options.stats);
  }
  const stats = (options.stats ?? ownStats) as (target: object) => PrimitiveStats;
  const compact = options.compact as ((target: object, fraction: number) => void) | undefined;
  const token = {};
  entries.set(id, { id, kind: options.kind, name, ref: new WeakRef(target), stats, compact });
  collected.register(target, id, token);
  const unregister = (): void => {
    if (entries.delete(id)) collected.unregister(token);
  };
  return { id, name, unregister, [Symbol.dispose]: unregister };
}

/** The primitives alive now, optionally only those of one `kind`, oldest first. */
export function listPrimitives(filter: { kind?: string | undefined } = {}): PrimitiveInfo[] {
  const out: PrimitiveInfo[] = [];
  for (const entry of entries.values()) {
    if (filter.kind !== undefined && entry.kind !== filter.kind) continue;
    const target = entry.ref.deref();
    if (target === undefined) {
      entries.delete(entry.id);
      continue;
    }
    let stats: PrimitiveStats;
    try {
      stats = entry.stats(target);
    } catch {
      continue; // a primitive that cannot report right now is left out of this snapshot
    }
    const compactFn = entry.compact;
    const info: PrimitiveInfo =
      compactFn === undefined
        ? { id: entry.id, kind: entry.kind, name: entry.name, stats }
        : {
            id: entry.id,
            kind: entry.kind,
            name: entry.name,
            stats,
            compact: (fraction: number) => {
              const live = entry.ref.deref();
              if (live !== undefined && entries.has(entry.id)) compactFn(live, fraction);
            },
          };
    out.push(info);
  }
  return out;
}

/** How many primitives are registered and alive (cheap; no stats are read). */
export function countPrimitives(): number {
  let n = 0;
  for (const entry of entries.values()) if (entry.ref.deref() !== undefined) n++;
  return n;
}
