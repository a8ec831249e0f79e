import { describe, expect, it } from 'vitest';
import { memwatchMatchers } from '../src/matchers.js';

expect.extend(memwatchMatchers);

declare module 'vitest' {
  interface Assertion<T> {
    toLeak(options?: import('../src/assert-no-leak.js').AssertNoLeakOptions): Promise<T>;
  }
}

describe('memwatchMatchers', () => {
  it('reads as an expectation in vitest (and jest)', async () => {
    const registry = new Map<number, object>();
    await expect((i: number) => void registry.set(i, { i })).toLeak({ opsPerSample: 1000, samples: 6 });
    const bounded = new Map<number, object>();
    await expect((i: number) => void bounded.set(i % 100, { i })).not.toLeak({
      opsPerSample: 1000,
      samples: 6,
    });
  });

  it('fails with the figures when the expectation is wrong', async () => {
    const registry = new Map<number, object>();
    await expect(
      expect((i: number) => void registry.set(i, { i })).not.toLeak({ opsPerSample: 1000, samples: 6 }),
    ).rejects.toThrow(/expected the operation not to leak\. Memory grew by/);
  });
});
