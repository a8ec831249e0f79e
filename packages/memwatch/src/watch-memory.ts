import { constants, PerformanceObserver } from 'node:perf_hooks';
import {
  emitLeakproofWarning,
  publish,
  type Registration,
  registerPrimitive,
  unrefInterval,
  validateDuration,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOptions,
  validateString,
} from '@leakproof/core';
import { pressureChannel, trendChannel } from './channels.js';
import { oldGenerationUsed } from './heap-after-gc.js';
import { type MemoryStatus, memoryStatus } from './memory-status.js';
import { type HeapSnapshotOption, takeSnapshot, validateSnapshotOption } from './snapshot.js';
import { mannKendall, type TrendTest, theilSen } from './statistics.js';

/** What `onTrend` receives. */
export interface TrendAlarm {
  /** Robust (Theil–Sen) slope of the post-collection heap over the window, in bytes per second. */
  readonly bytesPerSecond: number;
  /** Mann–Kendall test on the window. */
  readonly trend: TrendTest;
  /** The window: heap used after the lowest major collection of each interval, in bytes. */
  readonly samples: readonly number[];
  /** Heap snapshot written for this alarm (only the first alarm of a watcher takes one). */
  readonly snapshotPath?: string | undefined;
}

/** What `onPressure` receives. */
export interface PressureAlarm {
  /** The pressure ratio that crossed the threshold. */
  readonly pressure: number;
  /** The threshold it crossed. */
  readonly threshold: number;
  /** The full status at that moment. */
  readonly status: MemoryStatus;
  /** Heap snapshot written for this alarm (only the first alarm of a watcher takes one). */
  readonly snapshotPath?: string | undefined;
}

/** Options of {@link watchMemory}. */
export interface WatchMemoryOptions {
  /** How often to sample, in ms. @default 10000 */
  readonly intervalMs?: number | undefined;
  /** Samples in the sliding window the trend is judged on. @default 12 */
  readonly window?: number | undefined;
  /** Slope above which a rising window raises `onTrend`, in bytes per second. @default 1024 */
  readonly trendBytesPerSecond?: number | undefined;
  /** Called when the window's slope exceeds the threshold and the trend test agrees. */
  readonly onTrend?: ((alarm: TrendAlarm) => void) | undefined;
  /** Pressure ratio (see {@link memoryStatus}) that raises `onPressure`. @default 0.85 */
  readonly pressureThreshold?: number | undefined;
  /** Called when pressure crosses the threshold upward; again only after it fell back below. */
  readonly onPressure?: ((alarm: PressureAlarm) => void) | undefined;
  /** Write one heap snapshot on the first alarm: `true` or a file path. @default false */
  readonly heapSnapshot?: HeapSnapshotOption | undefined;
  /** Overrides the container limit (see {@link MemoryStatusOptions.containerLimit}). */
  readonly containerLimit?: number | undefined;
  /**
   * Reads the pressure ratio instead of `memoryStatus().pressure`: a custom signal (a cgroup
   * file, an orchestrator's figure), or a simulated one in tests.
   */
  readonly pressure?: (() => number) | undefined;
  /** A name for the registry. */
  readonly name?: string | undefined;
}

/** Figures of a {@link MemoryWatcher}. */
export interface MemoryWatcherStats {
  readonly [key: string]: number;
  readonly ticks: number;
  readonly samples: number;
  readonly trendAlarms: number;
  readonly pressureAlarms: number;
  /** The last pressure read (a reading that failed or was not a finite number leaves it as it was). */
  readonly lastPressure: number;
  /** Slope of the last judged window, bytes per second (0 before the first). */
  readonly lastBytesPerSecond: number;
  /** Mann–Kendall verdict on the last judged window: 1 rising, 0 no trend, -1 falling. */
  readonly lastTrend: number;
  /** Windows judged so far. */
  readonly windows: number;
  /** Custom `pressure` readings that threw or returned something other than a finite number. */
  readonly readErrors: number;
}

/** A running watcher. Disposing stops its timer and its GC observer. */
export interface MemoryWatcher extends Disposable {
  readonly name: string;
  /** Samples now, as the timer would (tests and on-demand checks). */
  tick(): void;
  stats(): MemoryWatcherStats;
  /** Stops watching. Idempotent. */
  dispose(): void;
}

interface WatcherConfig {
  readonly intervalMs: number;
  readonly window: number;
  readonly trendBytesPerSecond: number;
  readonly pressureThreshold: number;
  readonly heapSnapshot: HeapSnapshotOption;
  readonly onTrend?: ((alarm: TrendAlarm) => void) | undefined;
  readonly onPressure?: ((alarm: PressureAlarm) => void) | undefined;
  readonly containerLimit?: number | undefined;
  readonly pressure?: (() => number) | undefined;
}

class Watcher implements MemoryWatcher {
  readonly name: string;
  readonly #o: WatcherConfig;
  readonly #timer: NodeJS.Timeout;
  readonly #observer: PerformanceObserver;
  readonly #registration: Registration;
  readonly #times: number[] = [];
  readonly #heap: number[] = [];
  #lowAfterMajorGc = Number.POSITIVE_INFINITY;
  #aboveThreshold = false;
  #snapshotTaken = false;
  #disposed = false;
  #ticks = 0;
  #samples = 0;
  #trendAlarms = 0;
  #pressureAlarms = 0;
  #lastPressure = 0;
  #lastSlope = 0;
  #lastTrend = 0;
  #windows = 0;
  #readErrors = 0;

  constructor(o: WatcherConfig, name: string | undefined) {
    this.#o = o;
    // Only major collections give an honest floor: after a scavenge, old-space garbage still counts.
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number | undefined } | undefined }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          // Young generation left out: it refills with fresh garbage before this callback runs.
          this.#lowAfterMajorGc = Math.min(this.#lowAfterMajorGc, oldGenerationUsed());
        }
      }
    });
    this.#observer.observe({ entryTypes: ['gc'] });
    this.#timer = unrefInterval(() => this.tick(), o.intervalMs);
    this.#registration = registerPrimitive<Watcher>(this, {
      kind: 'memory-watcher',
      name,
      stats: (w) => w.stats(),
    });
    this.name = this.#registration.name;
  }

  tick(): void {
    if (this.#disposed) return;
    this.#ticks++;
    this.#checkPressure();
    // A tick without a major collection brings no new evidence about the floor.
    if (this.#lowAfterMajorGc !== Number.POSITIVE_INFINITY) {
      this.#times.push(performance.now() / 1000);
      this.#heap.push(this.#lowAfterMajorGc);
      this.#lowAfterMajorGc = Number.POSITIVE_INFINITY;
      this.#samples++;
      if (this.#heap.length > this.#o.window) {
        this.#times.shift();
        this.#heap.shift();
      }
      if (this.#heap.length === this.#o.window) this.#checkTrend();
    }
  }

  #checkPressure(): void {
    const status =
      this.#o.containerLimit === undefined
        ? memoryStatus()
        : memoryStatus({ containerLimit: this.#o.containerLimit });
    let pressure = status.pressure;
    if (this.#o.pressure !== undefined) {
      // A custom reading that fails is a read error: counted and warned about, never an alarm.
      let reading: unknown;
      try {
        reading = this.#o.pressure();
      } catch (error) {
        this.#readFailed(`threw ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (typeof reading !== 'number' || !Number.isFinite(reading)) {
        this.#readFailed(
          `returned ${typeof reading === 'number' ? String(reading) : typeof reading}, not a finite number`,
        );
        return;
      }
      pressure = reading;
    }
    this.#lastPressure = pressure;
    const above = pressure >= this.#o.pressureThreshold;
    if (above && !this.#aboveThreshold) {
      this.#pressureAlarms++;
      const snapshotPath = this.#snapshot();
      const alarm: PressureAlarm = {
        pressure,
        threshold: this.#o.pressureThreshold,
        status,
        ...(snapshotPath === undefined ? {} : { snapshotPath }),
      };
      publish(pressureChannel, () => ({ name: this.name, ...alarm }));
      this.#aboveThreshold = true;
      this.#o.onPressure?.(alarm);
    } else if (!above) {
      this.#aboveThreshold = false;
    }
  }

  #readFailed(what: string): void {
    this.#readErrors++;
    emitLeakproofWarning(
      `watchMemory ${this.name}: the pressure reading ${what}; no pressure alarm this tick`,
      'LEAKPROOF_PRESSURE_READ_FAILED',
    );
  }

  #checkTrend(): void {
    const { slope } = theilSen(this.#times, this.#heap);
    this.#lastSlope = slope;
    const trend = mannKendall(this.#heap, 0.05);
    this.#windows++;
    this.#lastTrend = trend.direction === 'increasing' ? 1 : trend.direction === 'decreasing' ? -1 : 0;
    if (slope <= this.#o.trendBytesPerSecond || trend.direction !== 'increasing') return;
    this.#trendAlarms++;
    const samples = [...this.#heap];
    // A new window starts: one rising window is one alarm.
    this.#times.length = 0;
    this.#heap.length = 0;
    const snapshotPath = this.#snapshot();
    const alarm: TrendAlarm = {
      bytesPerSecond: slope,
      trend,
      samples,
      ...(snapshotPath === undefined ? {} : { snapshotPath }),
    };
    publish(trendChannel, () => ({ name: this.name, ...alarm }));
    this.#o.onTrend?.(alarm);
  }

  #snapshot(): string | undefined {
    if (this.#snapshotTaken || this.#o.heapSnapshot === false) return undefined;
    this.#snapshotTaken = true;
    return takeSnapshot(this.#o.heapSnapshot);
  }

  stats(): MemoryWatcherStats {
    return {
      ticks: this.#ticks,
      samples: this.#samples,
      trendAlarms: this.#trendAlarms,
      pressureAlarms: this.#pressureAlarms,
      lastPressure: this.#lastPressure,
      lastBytesPerSecond: this.#lastSlope,
      lastTrend: this.#lastTrend,
      windows: this.#windows,
      readErrors: this.#readErrors,
    };
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearInterval(this.#timer);
    this.#observer.disconnect();
    this.#registration.unregister();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

const WATCH_MEMORY_OPTIONS = [
  'intervalMs',
  'window',
  'trendBytesPerSecond',
  'onTrend',
  'pressureThreshold',
  'onPressure',
  'heapSnapshot',
  'containerLimit',
  'pressure',
  'name',
] as const;

/**
 * Watches memory in production, without forcing collections: on an unref'd timer it records
 * the heap left after V8's own major collections, and raises `onTrend` when the Theil–Sen
 * slope over the last `window` samples exceeds `trendBytesPerSecond` and a Mann–Kendall test
 * agrees memory is rising; it raises `onPressure` when the pressure ratio crosses
 * `pressureThreshold`. Optionally writes one heap snapshot on the first alarm. Never keeps
 * the process alive.
 *
 * @example
 * ```ts
 * using watcher = watchMemory({
 *   intervalMs: 30_000,
 *   onTrend: ({ bytesPerSecond }) => log.warn({ bytesPerSecond }, 'heap keeps growing'),
 *   onPressure: ({ pressure }) => log.error({ pressure }, 'close to the memory limit'),
 * });
 * ```
 */
export function watchMemory(options?: WatchMemoryOptions): MemoryWatcher {
  const opts = validateOptions<WatchMemoryOptions>(options, 'options', WATCH_MEMORY_OPTIONS, {
    owner: 'watchMemory',
  });
  // `undefined` means the default; anything else, `null` included, is validated.
  const o: WatcherConfig = {
    intervalMs:
      opts.intervalMs === undefined
        ? 10_000
        : validateDuration(opts.intervalMs, 'options.intervalMs', { min: 1 }),
    window:
      opts.window === undefined
        ? 12
        : validateInteger(opts.window, 'options.window', { min: 3, max: 10_000 }),
    trendBytesPerSecond:
      opts.trendBytesPerSecond === undefined
        ? 1024
        : validateNumber(opts.trendBytesPerSecond, 'options.trendBytesPerSecond', 0, Number.MAX_VALUE),
    pressureThreshold:
      opts.pressureThreshold === undefined
        ? 0.85
        : validateNumber(opts.pressureThreshold, 'options.pressureThreshold', 0, Number.MAX_VALUE),
    heapSnapshot: validateSnapshotOption(opts.heapSnapshot),
    ...(opts.onTrend === undefined
      ? {}
      : { onTrend: validateFunction<(alarm: TrendAlarm) => void>(opts.onTrend, 'options.onTrend') }),
    ...(opts.onPressure === undefined
      ? {}
      : {
          onPressure: validateFunction<(alarm: PressureAlarm) => void>(opts.onPressure, 'options.onPressure'),
        }),
    ...(opts.pressure === undefined
      ? {}
      : { pressure: validateFunction<() => number>(opts.pressure, 'options.pressure') }),
    ...(opts.containerLimit === undefined
      ? {}
      : {
          containerLimit: validateNumber(opts.containerLimit, 'options.containerLimit', 0, Number.MAX_VALUE),
        }),
  };
  const name = opts.name === undefined ? undefined : validateString(opts.name, 'options.name');
  return new Watcher(o, name);
}
