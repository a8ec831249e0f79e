import { validateBoolean, validateFunction, validateNumber, validateOptions } from '@leakproof/core';
import { type LeakSite, runFindLeaks } from './find-leaks/find-leaks.js';
import { LeakDetectedError } from './leak-detected-error.js';
import {
  type GrowthMeasurement,
  MEASURE_OPTIONS,
  type MeasureGrowthOptions,
  type Operation,
  resolveMeasureOptions,
  runMeasurement,
} from './measure-growth.js';
import { type HeapSnapshotOption, takeSnapshot, validateSnapshotOption } from './snapshot.js';

/** Options of {@link assertNoLeak}: the measurement's, plus the verdict's. */
export interface AssertNoLeakOptions extends MeasureGrowthOptions {
  /**
   * Largest acceptable growth, in bytes per operation. The default sits above the noise
   * floor measured with the default sampling (about 0.2 B/op) and below a leak of one
   * small object per 32 operations (about 1.2 B/op).
   * @default 0.5
   */
  readonly maxBytesPerOp?: number | undefined;
  /**
   * Smallest total growth over the measured operations (`bytesPerOp × ops`) that counts as a
   * leak, in bytes. Below it a slope is indistinguishable from the JIT's own bookkeeping
   * (optimised code metadata, feedback), which can add 5–15 KB during the first measurement in a process. With
   * few operations this, not `maxBytesPerOp`, sets the detection floor.
   * @default 32768
   */
  readonly minGrowthBytes?: number | undefined;
  /**
   * On failure, write a heap snapshot: `true` for Node's default file name in the working
   * directory, or a file path. The path is in the error's message and `snapshotPath`.
   * @default false
   */
  readonly heapSnapshot?: HeapSnapshotOption | undefined;
  /**
   * On failure, find where the leaked memory is allocated: run `fn` again under the sampling
   * heap profiler ({@link findLeaks}, four times `opsPerSample` operations) and put the top
   * sites in the error (`sites`, and the first three in its message). `false` fails faster.
   * @default true
   */
  readonly sites?: boolean | undefined;
}

/**
 * Measures `fn` like {@link measureGrowth} and throws {@link LeakDetectedError}
 * (`ERR_LEAK_DETECTED`) when the signals agree there is a leak: the robust slope exceeds
 * `maxBytesPerOp`, the growth it implies exceeds `minGrowthBytes`, and the Mann–Kendall test
 * finds memory rising. Resolves with the
 * measurement otherwise. Being a plain async assertion, it reads the same in vitest, jest
 * and `node:test`.
 *
 * @example
 * ```ts
 * test('the handler does not leak', async () => {
 *   await assertNoLeak(() => handler(fakeRequest()), { maxBytesPerOp: 1 });
 * });
 * ```
 */
export async function assertNoLeak(fn: Operation, options?: AssertNoLeakOptions): Promise<GrowthMeasurement> {
  validateFunction(fn, 'fn');
  const opts = validateOptions<AssertNoLeakOptions>(
    options,
    'options',
    [...MEASURE_OPTIONS, 'maxBytesPerOp', 'minGrowthBytes', 'heapSnapshot', 'sites'],
    { owner: 'assertNoLeak' },
  );
  const maxBytesPerOp =
    opts.maxBytesPerOp === undefined
      ? 0.5
      : validateNumber(opts.maxBytesPerOp, 'options.maxBytesPerOp', 0, Number.MAX_SAFE_INTEGER);
  const minGrowthBytes =
    opts.minGrowthBytes === undefined
      ? 32_768
      : validateNumber(opts.minGrowthBytes, 'options.minGrowthBytes', 0, Number.MAX_SAFE_INTEGER);
  const heapSnapshot = validateSnapshotOption(opts.heapSnapshot);
  const findSites = opts.sites === undefined ? true : validateBoolean(opts.sites, 'options.sites');
  const measureOptions = resolveMeasureOptions(opts);
  const measurement = await runMeasurement(fn, measureOptions);
  if (isLeak(measurement, maxBytesPerOp, minGrowthBytes)) {
    const snapshotPath = takeSnapshot(heapSnapshot);
    const sites = findSites ? await leakSites(fn, measurement) : [];
    throw new LeakDetectedError(measurement, maxBytesPerOp, snapshotPath, sites);
  }
  return measurement;
}

/**
 * Profiles `fn` for four samples' worth of operations, with a sampling interval that makes
 * the measured growth come to about 32 samples (between 1 KiB and 32 KiB). A profile that
 * cannot run (another one is in progress) yields no sites: the verdict stands without them.
 */
async function leakSites(fn: Operation, measurement: GrowthMeasurement): Promise<LeakSite[]> {
  const ops = Math.min(4 * measurement.opsPerSample, 400_000);
  const expected = measurement.bytesPerOp * ops;
  const interval = 2 ** Math.floor(Math.log2(Math.max(1, expected / 32)));
  try {
    const report = await runFindLeaks(fn, {
      ops: Math.max(4, ops),
      warmupOps: 0,
      samplingInterval: Math.min(32_768, Math.max(1_024, interval)),
      minBytesPerOp: 0,
      top: 5,
      retainers: false,
      inlining: false,
    });
    return [...report.sites];
  } catch (error) {
    if (error instanceof Error && (error as { code?: unknown }).code === 'ERR_PROFILER_BUSY') return [];
    throw error;
  }
}

/** @internal The verdict: the slope, the total it adds up to and the trend test must all say "growing". */
export function isLeak(
  measurement: GrowthMeasurement,
  maxBytesPerOp: number,
  minGrowthBytes: number,
): boolean {
  return (
    measurement.bytesPerOp > maxBytesPerOp &&
    measurement.growthBytes > minGrowthBytes &&
    measurement.trend.direction === 'increasing'
  );
}
