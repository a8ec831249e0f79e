/** Median of a non-empty array (sorts a copy). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Theil–Sen estimator: the median of the slopes between every pair of points. Unlike least
 * squares, one wild sample (a late JIT tier-up, a stray allocation) cannot drag it: up to
 * ~29% of the points may be outliers.
 */
export function theilSen(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = xs[j]! - xs[i]!;
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx);
    }
  }
  if (slopes.length === 0) return { slope: 0, intercept: ys.length > 0 ? median(ys) : 0 };
  const slope = median(slopes);
  const intercept = median(xs.map((x, i) => ys[i]! - slope * x));
  return { slope, intercept };
}

/** The Mann–Kendall test for a monotonic trend. */
export interface TrendTest {
  /** The statistic S: concordant minus discordant pairs. */
  readonly s: number;
  /** Kendall's tau, S over the number of pairs: -1 (always falling) to 1 (always rising). */
  readonly tau: number;
  /** The normal approximation of S (continuity-corrected). */
  readonly z: number;
  /** One-sided p-value for "the series rises" (small means a rising trend is likely). */
  readonly pIncreasing: number;
  /** `'increasing'` or `'decreasing'` when the one-sided p-value is below the level, else `'none'`. */
  readonly direction: 'increasing' | 'decreasing' | 'none';
}

/** Mann–Kendall trend test over a series in time order, at significance `alpha`. */
export function mannKendall(ys: readonly number[], alpha = 0.05): TrendTest {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - ys[i]!);
  }
  // Variance with the correction for tied groups.
  const ties = new Map<number, number>();
  for (const y of ys) ties.set(y, (ties.get(y) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
  const variance = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z =
    variance <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(variance) : s < 0 ? (s + 1) / Math.sqrt(variance) : 0;
  const pIncreasing = 1 - normalCdf(z);
  const pairs = (n * (n - 1)) / 2;
  const direction = pIncreasing < alpha ? 'increasing' : 1 - pIncreasing < alpha ? 'decreasing' : 'none';
  return { s, tau: pairs === 0 ? 0 : s / pairs, z, pIncreasing, direction };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; error < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
