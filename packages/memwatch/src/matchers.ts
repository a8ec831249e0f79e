import { validateFunction } from '@leakproof/core';
import { type AssertNoLeakOptions, assertNoLeak } from './assert-no-leak.js';
import { LeakDetectedError } from './leak-detected-error.js';
import type { Operation } from './measure-growth.js';

/** What a vitest/jest matcher returns. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * Matchers for `expect.extend` in vitest and jest: `await expect(fn).not.toLeak(options)`
 * reads like the assertion it is, and failures print the figures.
 *
 * @example
 * ```ts
 * import { memwatchMatchers } from '@leakproof/memwatch';
 * expect.extend(memwatchMatchers);
 * await expect((i: number) => cache.set(i % 100, i)).not.toLeak({ maxBytesPerOp: 1 });
 * // types: declare module 'vitest' { interface Assertion<T> { toLeak(o?: AssertNoLeakOptions): Promise<void> } }
 * ```
 */
export const memwatchMatchers = {
  /** Passes when `received` (an operation) leaks by {@link assertNoLeak}'s verdict. */
  async toLeak(received: unknown, options?: AssertNoLeakOptions): Promise<MatcherResult> {
    const fn = validateFunction<Operation>(received, 'received');
    try {
      const m = await assertNoLeak(fn, options);
      return {
        pass: false,
        message: () =>
          `expected the operation to leak, but it retained ${m.bytesPerOp.toPrecision(3)} bytes per operation ` +
          `(trend ${m.trend.direction})`,
      };
    } catch (error) {
      if (!(error instanceof LeakDetectedError)) throw error;
      return { pass: true, message: () => `expected the operation not to leak. ${error.message}` };
    }
  },
};
