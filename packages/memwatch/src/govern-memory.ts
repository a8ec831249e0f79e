import {
  describeValue,
  emitLeakproofWarning,
  listPrimitives,
  outOfRange,
  type PrimitiveInfo,
  publish,
  type Registration,
  registerPrimitive,
  unrefInterval,
  validateBoolean,
  validateDuration,
  validateFunction,
  validateNumber,
  validateOptions,
  validateString,
} from '@leakproof/core';
import { compactChannel } from './channels.js';
import { gc } from './gc.js';
import { currentPressure } from './memory-status.js';

/** Options of {@link governMemory}. */
export interface GovernMemoryOptions {
  /** Pressure ratio at which the governor starts compacting. @default 0.85 */
  readonly high?: number | undefined;
  /** Pressure ratio it compacts down to; below `high`. @default 0.7 */
  readonly target?: number | undefined;
  /** How often to check, in ms. @default 1000 */
  readonly intervalMs?: number | undefined;
  /**
   * Share of a primitive's entries one `compact()` call sheds, 0..1. When a pass over every
   * cache leaves pressure above `target`, the next pass sheds twice the share, up to all.
   * @default 0.25
   */
  readonly step?: number | undefined;
  /**
   * Force a collection after each compaction so the next reading is honest. Without it, and
   * with the default (heap-based) reading, a check compacts the largest primitive once and
   * leaves the rest to the next check, after V8 has collected on its own; with a custom
   * `pressure` reading, the governor trusts it right after each compaction.
   * @default true
   */
  readonly collect?: boolean | undefined;
  /**
   * Reads the pressure ratio. Defaults to {@link memoryStatus}'s `pressure`; pass your own
   * for a custom signal (a cgroup file, an orchestrator's figure) or to simulate pressure in tests.
   */
  readonly pressure?: (() => number) | undefined;
  /** Overrides the container limit of the default pressure reading. */
  readonly containerLimit?: number | undefined;
  /** A name for the registry. */
  readonly name?: string | undefined;
}

/** What one {@link MemoryGovernor.check} did. */
export interface GovernCheck {
  readonly pressureBefore: number;
  readonly pressureAfter: number;
  readonly compactions: number;
  readonly freedEntries: number;
  readonly freedBytes: number;
}

/** Figures of a {@link MemoryGovernor}: what it freed, in total. */
export interface MemoryGovernorStats {
  readonly [key: string]: number;
  readonly checks: number;
  readonly activations: number;
  readonly compactions: number;
  readonly freedEntries: number;
  readonly freedBytes: number;
  readonly lastPressure: number;
  /** `compact()` calls that threw (each reported as a `LEAKPROOF_COMPACT_FAILED` warning). */
  readonly compactErrors: number;
  /**
   * Pressure readings that threw during a timer check, or returned something that is not a
   * finite number (`undefined`, `NaN`, an object) in any check; each is reported as
   * `LEAKPROOF_PRESSURE_READ_FAILED`, and nothing is compacted on it.
   */
  readonly readErrors: number;
}

/** A running governor. Disposing stops its timer. */
export interface MemoryGovernor extends Disposable {
  readonly name: string;
  /** Checks now, as the timer would, and reports what was done. */
  check(): GovernCheck;
  stats(): MemoryGovernorStats;
  /** Stops governing. Idempotent. */
  dispose(): void;
}

interface GovernorConfig {
  readonly high: number;
  readonly target: number;
  readonly intervalMs: number;
  readonly step: number;
  readonly collect: boolean;
  /** Whether a reading right after a compaction means anything: collected first, or a custom reading. */
  readonly reread: boolean;
  readonly pressure: () => number;
}

const bytesOf = (info: PrimitiveInfo): number => info.stats.bytes ?? 0;
const sizeOf = (info: PrimitiveInfo): number => info.stats.size ?? 0;

function compactable(): PrimitiveInfo[] {
  return listPrimitives()
    .filter((info) => info.compact !== undefined && sizeOf(info) > 0)
    .sort((a, b) => bytesOf(b) - bytesOf(a) || sizeOf(b) - sizeOf(a));
}

class Governor implements MemoryGovernor {
  readonly name: string;
  readonly #o: GovernorConfig;
  readonly #timer: NodeJS.Timeout;
  readonly #registration: Registration;
  #disposed = false;
  #running = false;
  #checks = 0;
  #activations = 0;
  #compactions = 0;
  #freedEntries = 0;
  #freedBytes = 0;
  #lastPressure = 0;
  #compactErrors = 0;
  #readErrors = 0;

  constructor(o: GovernorConfig, name: string | undefined) {
    this.#o = o;
    this.#timer = unrefInterval(() => this.#tick(), o.intervalMs);
    this.#registration = registerPrimitive<Governor>(this, {
      kind: 'memory-governor',
      name,
      stats: (g) => g.stats(),
    });
    this.name = this.#registration.name;
  }

  #tick(): void {
    try {
      this.check();
    } catch (error) {
      // A throwing `pressure` reading must not take the process down from a timer.
      this.#readErrors++;
      emitLeakproofWarning(
        'Memory governor: reading the pressure threw',
        'LEAKPROOF_PRESSURE_READ_FAILED',
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
    }
  }

  /** Reads the pressure; a reading that is not a finite number is a read error, not a pressure. */
  #read(): number | undefined {
    const value: unknown = this.#o.pressure();
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.#readErrors++;
    emitLeakproofWarning(
      'Memory governor: the pressure reading is not a finite number; nothing was compacted',
      'LEAKPROOF_PRESSURE_READ_FAILED',
      `pressure() returned ${describeValue(value)}`,
    );
    return undefined;
  }

  check(): GovernCheck {
    const reading = this.#read();
    if (reading === undefined) {
      return {
        pressureBefore: Number.NaN,
        pressureAfter: Number.NaN,
        compactions: 0,
        freedEntries: 0,
        freedBytes: 0,
      };
    }
    const before = reading;
    this.#lastPressure = before;
    const result = {
      pressureBefore: before,
      pressureAfter: before,
      compactions: 0,
      freedEntries: 0,
      freedBytes: 0,
    };
    if (this.#disposed || this.#running) return result;
    this.#checks++;
    if (before < this.#o.high) return result;
    this.#running = true;
    this.#activations++;
    try {
      let pressure = before;
      // Largest first, re-reading pressure after each compaction. A pass that leaves pressure
      // above target is followed by one that sheds twice the share, so the last pass
      // (fraction 1) empties every cache: the loop is bounded by log2(1 / step) + 1 passes.
      let fraction = this.#o.step;
      outer: for (;;) {
        const targets = compactable();
        if (targets.length === 0) break;
        for (const info of targets) {
          this.#compactOne(info, fraction, result);
          if (!this.#o.reread) break outer;
          if (this.#o.collect) gc();
          const next = this.#read();
          // A failed re-reading stops the check: compacting further would be blind.
          if (next === undefined) break outer;
          pressure = next;
          if (pressure < this.#o.target) break outer;
        }
        if (fraction >= 1) break;
        fraction = Math.min(1, fraction * 2);
      }
      result.pressureAfter = this.#o.reread ? pressure : (this.#read() ?? pressure);
      this.#lastPressure = result.pressureAfter;
    } finally {
      this.#running = false;
    }
    return result;
  }

  #compactOne(
    info: PrimitiveInfo,
    fraction: number,
    result: { compactions: number; freedEntries: number; freedBytes: number },
  ): void {
    try {
      info.compact!(fraction);
    } catch (error) {
      // One cache failing to shed must not stop the governor from shedding the others.
      this.#compactErrors++;
      emitLeakproofWarning(
        `Memory governor: compact(${fraction}) of ${info.kind} "${info.name}" threw`,
        'LEAKPROOF_COMPACT_FAILED',
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
      return;
    }
    const after = listPrimitives({ kind: info.kind }).find((p) => p.id === info.id);
    const freedEntries = Math.max(0, sizeOf(info) - (after === undefined ? 0 : sizeOf(after)));
    const freedBytes = Math.max(0, bytesOf(info) - (after === undefined ? 0 : bytesOf(after)));
    result.compactions++;
    result.freedEntries += freedEntries;
    result.freedBytes += freedBytes;
    this.#compactions++;
    this.#freedEntries += freedEntries;
    this.#freedBytes += freedBytes;
    publish(compactChannel, () => ({
      governor: this.name,
      kind: info.kind,
      name: info.name,
      fraction,
      freedEntries,
      freedBytes,
    }));
  }

  stats(): MemoryGovernorStats {
    return {
      checks: this.#checks,
      activations: this.#activations,
      compactions: this.#compactions,
      freedEntries: this.#freedEntries,
      freedBytes: this.#freedBytes,
      lastPressure: this.#lastPressure,
      compactErrors: this.#compactErrors,
      readErrors: this.#readErrors,
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#timer);
    this.#registration.unregister();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Sheds cache memory under pressure. Every `intervalMs` it reads the pressure ratio; at or
 * above `high` it calls `compact(step)` on the registered primitives that can shed load
 * (caches), largest first (by `bytes`, then `size`), until pressure is below `target`. What
 * it freed is counted in its own `stats()`. Its timer never keeps the process alive.
 *
 * @example
 * ```ts
 * using governor = governMemory({ high: 0.85, target: 0.7 });
 * ```
 */
export function governMemory(options?: GovernMemoryOptions): MemoryGovernor {
  const opts = validateOptions<GovernMemoryOptions>(
    options,
    'options',
    ['high', 'target', 'intervalMs', 'step', 'collect', 'pressure', 'containerLimit', 'name'],
    { owner: 'governMemory', hints: { interval: 'intervalMs', low: 'target' } },
  );
  // `undefined` is the default; anything else, `null` included, is validated.
  const high =
    opts.high === undefined ? 0.85 : validateNumber(opts.high, 'options.high', 0, Number.MAX_VALUE);
  const target =
    opts.target === undefined
      ? Math.min(0.7, high * 0.8)
      : validateNumber(opts.target, 'options.target', 0, Number.MAX_VALUE);
  if (target >= high) throw outOfRange('options.target', `a number below \`options.high\` (${high})`, target);
  const step = opts.step === undefined ? 0.25 : validateNumber(opts.step, 'options.step', 0, 1);
  if (step === 0) throw outOfRange('options.step', 'a number above 0 and at most 1', step);
  const containerLimit =
    opts.containerLimit === undefined
      ? undefined
      : validateNumber(opts.containerLimit, 'options.containerLimit', 0, Number.MAX_VALUE);
  const pressure =
    opts.pressure === undefined
      ? () => currentPressure(containerLimit)
      : validateFunction<() => number>(opts.pressure, 'options.pressure');
  const collect = opts.collect === undefined ? true : validateBoolean(opts.collect, 'options.collect');
  const config: GovernorConfig = {
    high,
    target,
    intervalMs:
      opts.intervalMs === undefined
        ? 1000
        : validateDuration(opts.intervalMs, 'options.intervalMs', { min: 1 }),
    step,
    collect,
    reread: collect || opts.pressure !== undefined,
    pressure,
  };
  const name = opts.name === undefined ? undefined : validateString(opts.name, 'options.name');
  return new Governor(config, name);
}
