import { errorMessage, LeakproofError } from '@leakproof/core';
import type { LeakSite } from './find-leaks/find-leaks.js';
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
  /**
   * Where the leaked memory is allocated: the growing sites {@link findLeaks} found, largest
   * first (empty with `sites: false`, or when nothing reached the profiler's resolution).
   */
  readonly sites: readonly LeakSite[];

  constructor(
    measurement: GrowthMeasurement,
    maxBytesPerOp: number,
    snapshotPath?: string,
    sites: readonly LeakSite[] = [],
  ) {
    const m = measurement;
    super(
      'ERR_LEAK_DETECTED',
      errorMessage('ERR_LEAK_DETECTED', {
        growth:
          `${formatNumber(m.bytesPerOp)} bytes per operation (allowed: ${formatNumber(maxBytesPerOp)}), ` +
          `${formatNumber(m.growthBytes)} bytes over ${m.ops} operations; ` +
          `trend rising (Mann–Kendall tau ${m.trend.tau.toFixed(2)}, p ${m.trend.pIncreasing.toExponential(1)})` +
          (snapshotPath === undefined ? '' : `; heap snapshot: ${snapshotPath}`),
        sites: formatSites(sites),
      }),
    );
    this.measurement = measurement;
    this.maxBytesPerOp = maxBytesPerOp;
    this.snapshotPath = snapshotPath;
    this.sites = sites;
  }
}

function formatNumber(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toString() : n.toPrecision(3);
}

function formatSites(sites: readonly LeakSite[]): string {
  if (sites.length === 0) return '';
  const lines = sites
    .slice(0, 3)
    .map((s) => `\n  ${formatNumber(s.bytesPerOp)} B/op  ${s.location}${callerOf(s)}`);
  return `. Allocated at:${lines.join('')}`;
}

function callerOf(site: LeakSite): string {
  const caller = site.stack[site.stack.indexOf(site.frame) + 1];
  return caller === undefined ? '' : ` ← ${caller.functionName}`;
}
