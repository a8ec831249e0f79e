import { validateFunction, validateNumber, validateOptions } from '@leakproof/core';
import { LeakDetectedError } from './leak-detected-error.js';
import {
  type GrowthMeasurement,
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
  readonly maxBytesPerOp?: number;
  /**
   * Smallest total growth over the measured operations (`bytesPerOp × ops`) that counts as a
   * leak, in bytes. Below it a slope is indistinguishable from the JIT's own bookkeeping
   * (optimised code metadata, feedback), which can add 5–15 KB during the first measurement in a process. With
   * few operations this, not `maxBytesPerOp`, sets the detection floor.
   * @default 32768
   */
  readonly minGrowthBytes?: number;
  /**
   * On failure, write a heap snapshot: `true` for Node's default file name in the working
   * directory, or a file path. The path is in the error's message and `snapshotPath`.
   * @default false
   */
  readonly heapSnapshot?: HeapSnapshotOption;
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
  const opts = validateOptions<AssertNoLeakOptions>(options);
  const maxBytesPerOp = validateNumber(
    opts.maxBytesPerOp ?? 0.5,
    'maxBytesPerOp',
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const minGrowthBytes = validateNumber(
    opts.minGrowthBytes ?? 32_768,
    'minGrowthBytes',
    0,
    Number.MAX_SAFE_INTEGER,
  );
  const heapSnapshot = validateSnapshotOption(opts.heapSnapshot);
  const measurement = await runMeasurement(fn, resolveMeasureOptions(opts));
  if (isLeak(measurement, maxBytesPerOp, minGrowthBytes)) {
    throw new LeakDetectedError(measurement, maxBytesPerOp, takeSnapshot(heapSnapshot));
  }
  return measurement;
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
