// The figures the gallery reports, computed from post-GC samples of { ops, bytes }.

/**
 * Theil–Sen slope: the median of the slopes between every pair of samples. One noisy
 * sample (a late collection, a JIT burst) moves it very little, unlike a least-squares fit.
 */
export function theilSen(samples) {
  const slopes = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const dx = samples[j].ops - samples[i].ops;
      if (dx !== 0) slopes.push((samples[j].bytes - samples[i].bytes) / dx);
    }
  }
  if (slopes.length === 0) return 0;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
}

/**
 * Sums up one variant's run. `leakBytesPerOp` is the scene's line between flat and growing:
 * well above the noise of a post-GC heap, well below what one leaked operation retains.
 */
export function summarize(samples, leakBytesPerOp) {
  const bytesPerOp = theilSen(samples);
  const first = samples[0]?.bytes ?? 0;
  const last = samples.at(-1)?.bytes ?? 0;
  const peak = samples.reduce((m, s) => Math.max(m, s.bytes), 0);
  return {
    bytesPerOp,
    startBytes: first,
    finalBytes: last,
    peakBytes: peak,
    growthBytes: last - first,
    verdict: bytesPerOp > leakBytesPerOp ? 'grows' : 'flat',
  };
}

/** 1234567 → "1.18 MiB". */
export function formatBytes(n) {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  if (abs >= 2 ** 30) return `${sign}${(abs / 2 ** 30).toFixed(2)} GiB`;
  if (abs >= 2 ** 20) return `${sign}${(abs / 2 ** 20).toFixed(2)} MiB`;
  if (abs >= 2 ** 10) return `${sign}${(abs / 2 ** 10).toFixed(1)} KiB`;
  return `${sign}${abs.toFixed(0)} B`;
}

/** Bytes per operation for a table cell: "1,234.5 B", "-0.3 B". */
export function formatPerOp(n) {
  return `${n.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} B`;
}
