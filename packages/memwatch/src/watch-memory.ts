import { constants, PerformanceObserver } from 'node:perf_hooks';
import {
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
  readonly snapshotPath?: string;
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
  readonly snapshotPath?: string;
}

/** Options of {@link watchMemory}. */
export interface WatchMemoryOptions {
  /** How often to sample, in ms. @default 10000 */
  readonly intervalMs?: number;
  /** Samples in the sliding window the trend is judged on. @default 12 */
  readonly window?: number;
  /** Slope above which a rising window raises `onTrend`, in bytes per second. @default 1024 */
  readonly trendBytesPerSecond?: number;
  /** Called when the window's slope exceeds the threshold and the trend test agrees. */
  readonly onTrend?: (alarm: TrendAlarm) => void;
  /** Pressure ratio (see {@link memoryStatus}) that raises `onPressure`. @default 0.85 */
  readonly pressureThreshold?: number;
  /** Called when pressure crosses the threshold upward; again only after it fell back below. */
  readonly onPressure?: (alarm: PressureAlarm) => void;
  /** Write one heap snapshot on the first alarm: `true` or a file path. @default false */
  readonly heapSnapshot?: HeapSnapshotOption;
  /** Overrides the container limit (see {@link MemoryStatusOptions.containerLimit}). */
  readonly containerLimit?: number;
  /**
   * Reads the pressure ratio instead of `memoryStatus().pressure`: a custom signal (a cgroup
   * file, an orchestrator's figure), or a simulated one in tests.
   */
  readonly pressure?: () => number;
  /** A name for the registry. */
  readonly name?: string;
}

/** Figures of a {@link MemoryWatcher}. */
export interface MemoryWatcherStats {
  readonly [key: string]: number;
  readonly ticks: number;
  readonly samples: number;
  readonly trendAlarms: number;
  readonly pressureAlarms: number;
  readonly lastPressure: number;
  readonly lastBytesPerSecond: number;
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

type WatcherConfig = Required<
  Omit<WatchMemoryOptions, 'onTrend' | 'onPressure' | 'containerLimit' | 'pressure' | 'name'>
> &
  Pick<WatchMemoryOptions, 'onTrend' | 'onPressure' | 'containerLimit' | 'pressure'>;

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

  constructor(o: WatcherConfig, name: string | undefined) {
    this.#o = o;
    // Only major collections give an honest floor: after a scavenge, old-space garbage still counts.
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          this.#lowAfterMajorGc = Math.min(this.#lowAfterMajorGc, process.memoryUsage().heapUsed);
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
    const pressure = this.#o.pressure === undefined ? status.pressure : this.#o.pressure();
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

  #checkTrend(): void {
    const { slope } = theilSen(this.#times, this.#heap);
    this.#lastSlope = slope;
    const trend = mannKendall(this.#heap, 0.05);
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
  const opts = validateOptions<WatchMemoryOptions>(options);
  const o: WatcherConfig = {
    intervalMs: validateDuration(opts.intervalMs ?? 10_000, 'intervalMs', { min: 1 }),
    window: validateInteger(opts.window ?? 12, 'window', { min: 3, max: 10_000 }),
    trendBytesPerSecond: validateNumber(
      opts.trendBytesPerSecond ?? 1024,
      'trendBytesPerSecond',
      0,
      Number.MAX_VALUE,
    ),
    pressureThreshold: validateNumber(
      opts.pressureThreshold ?? 0.85,
      'pressureThreshold',
      0,
      Number.MAX_VALUE,
    ),
    heapSnapshot: validateSnapshotOption(opts.heapSnapshot),
    ...(opts.onTrend === undefined ? {} : { onTrend: validateFunction(opts.onTrend, 'onTrend') }),
    ...(opts.onPressure === undefined ? {} : { onPressure: validateFunction(opts.onPressure, 'onPressure') }),
    ...(opts.pressure === undefined
      ? {}
      : { pressure: validateFunction<() => number>(opts.pressure, 'pressure') }),
    ...(opts.containerLimit === undefined
      ? {}
      : { containerLimit: validateNumber(opts.containerLimit, 'containerLimit', 0, Number.MAX_VALUE) }),
  };
  const name = opts.name === undefined ? undefined : validateString(opts.name, 'name');
  return new Watcher(o, name);
}
