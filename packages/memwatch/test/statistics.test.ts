import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannKendall, median, normalCdf, theilSen } from '../src/statistics.js';

describe('theilSen', () => {
  it('recovers an exact line', () => {
    expect(theilSen([1, 2, 3, 4], [12, 14, 16, 18])).toEqual({ slope: 2, intercept: 10 });
  });

  it('ignores a wild sample that would drag least squares', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const ys = xs.map((x) => 1000 + 3 * x);
    ys[1] = 500_000; // an early swing of hundreds of KB
    expect(theilSen(xs, ys).slope).toBe(3);
  });

  it('is the exact slope of any line, whatever the sampling (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 2, maxLength: 30 }),
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (xs, slope, intercept) => {
          const fit = theilSen(
            xs,
            xs.map((x) => slope * x + intercept),
          );
          expect(fit.slope).toBeCloseTo(slope, 6);
        },
      ),
    );
  });
});

describe('mannKendall', () => {
  it('finds a rising trend in a monotone series', () => {
    const t = mannKendall([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(t.s).toBe(45);
    expect(t.tau).toBe(1);
    expect(t.direction).toBe('increasing');
    expect(t.pIncreasing).toBeLessThan(0.001);
  });

  it('finds a falling trend in a decreasing series', () => {
    expect(mannKendall([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]).direction).toBe('decreasing');
  });

  it('finds no trend in a flat series (all ties)', () => {
    const t = mannKendall([5, 5, 5, 5, 5, 5]);
    expect(t.s).toBe(0);
    expect(t.direction).toBe('none');
  });

  it('finds no trend in an alternating series', () => {
    expect(mannKendall([1, 3, 1, 3, 1, 3, 1, 3, 1, 3]).direction).toBe('none');
  });
});

describe('helpers', () => {
  it('median of odd and even lengths', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('normalCdf matches known quantiles', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });
});
