import { LeakproofError } from '@leakproof/core';
import type { GrowthMeasurement } from './measure-growth.js';

/**
 * Thrown by {@link assertNoLeak} when memory grows faster than allowed and keeps rising.
 * Code: `ERR_LEAK_DETECTED`. Carries the full measurement and, when asked for, the path of
 * a heap snapshot taken at the end of the run (open it in Chrome DevTools or memlab).
 */
export class LeakDetectedError extends LeakproofError {
  /** The figures that failed the assertion. */
  readonly measurement: GrowthMeasurement;
  /** The allowed growth, in bytes per operation. */
  readonly maxBytesPerOp: number;
  /** Where the heap snapshot was written, when one was requested. */
  readonly snapshotPath: string | undefined;

  constructor(measurement: GrowthMeasurement, maxBytesPerOp: number, snapshotPath?: string) {
    const m = measurement;
    super(
      'ERR_LEAK_DETECTED',
      `Memory grew by ${formatNumber(m.bytesPerOp)} bytes per operation (allowed: ${formatNumber(maxBytesPerOp)}), ` +
        `${formatNumber(m.growthBytes)} bytes over ${m.ops} operations; ` +
        `trend rising (Mann–Kendall tau ${m.trend.tau.toFixed(2)}, p ${m.trend.pIncreasing.toExponential(1)})` +
        (snapshotPath === undefined ? '' : `; heap snapshot: ${snapshotPath}`),
    );
    this.measurement = measurement;
    this.maxBytesPerOp = maxBytesPerOp;
    this.snapshotPath = snapshotPath;
  }
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toString() : n.toPrecision(3);
}
