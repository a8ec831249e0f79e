import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { getHeapSpaceStatistics } from 'node:v8';
import {
  invalidArgType,
  outOfRange,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOneOf,
  validateOptions,
} from '@leakproof/core';
import { gc } from './gc.js';
import { mannKendall, type TrendTest, theilSen } from './statistics.js';

/** What {@link measureGrowth} reads after each forced collection. */
export type MemorySource = 'heap' | 'heap+external';

/** Options of {@link measureGrowth}. */
export interface MeasureGrowthOptions {
  /**
   * Measured samples after the warm-up. Each runs `opsPerSample` operations, forces a full
   * collection and reads memory. More samples make the slope steadier.
   * @default 10
   */
  readonly samples?: number | undefined;
  /**
   * Operations between two samples. A leak shows as `bytesPerOp × opsPerSample` bytes per
   * sample, which must clear the noise of a post-GC heap reading (a few KB): raise it to
   * see smaller leaks, lower it for slow operations.
   * @default 10000
   */
  readonly opsPerSample?: number | undefined;
  /**
   * Warm-up samples run first and dropped: the first batches compile code, grow
   * inline caches and fill lazily sized tables, which looks like growth but is not. When
   * the readings have not settled by then (two successive ones within 2 KB), up to as many
   * again are run; `warmupOps` reports how many operations the warm-up took.
   * @default 4
   */
  readonly warmup?: number | undefined;
  /**
   * What counts as memory: the V8 heap alone, or the heap plus memory held outside it
   * (`Buffer`s, `ArrayBuffer`s). Either way the code spaces (compiled code) are left out.
   * @default 'heap+external'
   */
  readonly memory?: MemorySource | undefined;
  /** Significance level of the trend test. @default 0.05 */
  readonly alpha?: number | undefined;
}

/** The figures {@link measureGrowth} reports. */
export interface GrowthMeasurement {
  /** Robust (Theil–Sen) slope of retained memory over operations, in bytes per operation. */
  readonly bytesPerOp: number;
  /** Mann–Kendall test on the samples: does memory keep rising? */
  readonly trend: TrendTest;
  /** Memory after a forced collection at the end of each measured sample, in bytes. */
  readonly samples: readonly number[];
  /** Operations per sample. */
  readonly opsPerSample: number;
  /** Operations measured (warm-up excluded). */
  readonly ops: number;
  /** Operations run in the warm-up (it extends itself until memory settles). */
  readonly warmupOps: number;
  /** Growth the slope implies over the measured operations, in bytes (`bytesPerOp × ops`). */
  readonly growthBytes: number;
  /** Last sample minus first, in bytes: the raw figure, for comparison with the robust one. */
  readonly rawGrowthBytes: number;
  /** What was measured. */
  readonly memory: MemorySource;
}

/** A function measured per operation; it may return a promise, which is awaited. */
export type Operation = (index: number) => unknown;

/** Validated options shared with {@link assertNoLeak}. */
export interface ResolvedMeasureOptions {
  readonly samples: number;
  readonly opsPerSample: number;
  readonly warmup: number;
  readonly memory: MemorySource;
  readonly alpha: number;
}

/** @internal The options measureGrowth knows; assertNoLeak adds its own. */
export const MEASURE_OPTIONS = ['samples', 'opsPerSample', 'warmup', 'memory', 'alpha'];

/** @internal Validates measurement options; shared by measureGrowth and assertNoLeak. */
export function resolveMeasureOptions(options: MeasureGrowthOptions): ResolvedMeasureOptions {
  // `undefined` is the default; anything else, `null` included, is validated.
  const alpha = options.alpha === undefined ? 0.05 : validateNumber(options.alpha, 'options.alpha', 0, 1);
  if (alpha === 0 || alpha === 1) {
    throw outOfRange('options.alpha', 'a number between 0 and 1, exclusive', alpha);
  }
  return {
    samples:
      options.samples === undefined
        ? 10
        : validateInteger(options.samples, 'options.samples', { min: 3, max: 10_000 }),
    opsPerSample:
      options.opsPerSample === undefined
        ? 10_000
        : validateInteger(options.opsPerSample, 'options.opsPerSample', { min: 1, max: 1e9 }),
    warmup:
      options.warmup === undefined
        ? 4
        : validateInteger(options.warmup, 'options.warmup', { min: 0, max: 10_000 }),
    memory:
      options.memory === undefined
        ? 'heap+external'
        : validateOneOf(
            typeof options.memory === 'string'
              ? options.memory
              : (() => {
                  throw invalidArgType('options.memory', "'heap' or 'heap+external'", options.memory);
                })(),
            'options.memory',
            ['heap', 'heap+external'] as const,
          ),
    alpha,
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

// Compiled code is not a leak: the JIT keeps adding optimised code for a while after the
// warm-up, and that would read as growth.
const CODE_SPACES = new Set(['code_space', 'code_large_object_space']);

/** Two successive warm-up readings this close count as settled. */
const SETTLED_BYTES = 2048;

function readMemory(memory: MemorySource): number {
  let heap = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!CODE_SPACES.has(space.space_name)) heap += space.space_used_size;
  }
  return memory === 'heap' ? heap : heap + process.memoryUsage().external;
}

/** Lets finalizers and pending callbacks run, then collects twice (the second pass takes what the first one's weak callbacks released). */
async function settle(): Promise<void> {
  await nextMacrotask();
  gc();
  gc();
}

/** @internal Runs the measurement with validated options. */
export async function runMeasurement(fn: Operation, o: ResolvedMeasureOptions): Promise<GrowthMeasurement> {
  let index = 0;
  const batch = async (): Promise<void> => {
    // Sync operations run in a tight loop; only a returned promise is awaited.
    for (let k = 0; k < o.opsPerSample; k++) {
      const result = fn(index++);
      if (isThenable(result)) await result;
    }
  };
  // Fixed warm-up, then more (as many again) until two successive readings have stayed
  // within SETTLED_BYTES: in a fresh process the JIT's bookkeeping keeps growing for a while.
  // A real leak never settles; it only costs the extra samples.
  const warm: number[] = [];
  const settled = (): boolean => {
    const n = warm.length;
    return (
      n >= 3 &&
      Math.abs(warm[n - 1]! - warm[n - 2]!) <= SETTLED_BYTES &&
      Math.abs(warm[n - 2]! - warm[n - 3]!) <= SETTLED_BYTES
    );
  };
  const maxWarmup = o.warmup * 2;
  while (warm.length < o.warmup || (warm.length < maxWarmup && !settled())) {
    await batch();
    await settle();
    warm.push(readMemory(o.memory));
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let s = 1; s <= o.samples; s++) {
    await batch();
    await settle();
    ys.push(readMemory(o.memory));
    xs.push(s * o.opsPerSample);
  }
  const { slope } = theilSen(xs, ys);
  const ops = o.samples * o.opsPerSample;
  return {
    bytesPerOp: slope,
    trend: mannKendall(ys, o.alpha),
    samples: ys,
    opsPerSample: o.opsPerSample,
    ops,
    warmupOps: warm.length * o.opsPerSample,
    growthBytes: slope * ops,
    rawGrowthBytes: ys[ys.length - 1]! - ys[0]!,
    memory: o.memory,
  };
}

/**
 * Runs `fn` repeatedly and measures how much memory it retains per call. Each sample runs
 * `opsPerSample` calls, lets pending callbacks run, forces full collections and reads the
 * heap; warm-up samples are dropped; the slope is Theil–Sen (robust to a wild sample) and
 * a Mann–Kendall test says whether memory keeps rising. `fn` may be sync or async; it
 * receives the running operation index.
 *
 * @example
 * ```ts
 * const cache = new Map();
 * const { bytesPerOp, trend } = await measureGrowth((i) => { cache.set(i, { i }); });
 * // bytesPerOp ≈ 60, trend.direction === 'increasing'
 * ```
 */
export async function measureGrowth(
  fn: Operation,
  options?: MeasureGrowthOptions,
): Promise<GrowthMeasurement> {
  validateFunction(fn, 'fn');
  return runMeasurement(
    fn,
    resolveMeasureOptions(
      validateOptions<MeasureGrowthOptions>(options, 'options', MEASURE_OPTIONS, { owner: 'measureGrowth' }),
    ),
  );
}
