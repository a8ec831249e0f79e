import { describe, expect, it } from 'vitest';
import { memwatchMatchers } from '../src/matchers.js';

expect.extend(memwatchMatchers);

declare module 'vitest' {
  interface Assertion<T> {
    toLeak(options?: import('../src/assert-no-leak.js').AssertNoLeakOptions): Promise<T>;
  }
}

// A linked list grows by exactly one node per call: no stepwise rehash like a Map's.
function leaky(): (i: number) => void {
  let head: { next: unknown; i: number } | undefined;
  return (i) => {
    head = { next: head, i };
  };
}
// Fewer than 10 samples make the trend test fragile: one drop (V8 flushing old bytecode,
// say) among 6 samples is enough to lose significance.
const sampling = { opsPerSample: 1000, samples: 10 };

describe('memwatchMatchers', () => {
  it('reads as an expectation in vitest (and jest)', async () => {
    await expect(leaky()).toLeak(sampling);
    const bounded = new Map<number, object>();
    await expect((i: number) => void bounded.set(i % 100, { i })).not.toLeak(sampling);
  });

  it('fails with the figures when the expectation is wrong', async () => {
    await expect(expect(leaky()).not.toLeak(sampling)).rejects.toThrow(
      /expected the operation not to leak\. Memory grew by/,
    );
  });
});
