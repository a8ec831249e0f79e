import { describe, expect, it } from 'vitest';
import { rankGrowingSites } from '../src/find-leaks/rank.js';
import { renderPath } from '../src/find-leaks/retainers.js';
import { estimateObjects, type SiteReading } from '../src/find-leaks/sites.js';
import { assertNoLeak, findLeaks, governMemory, measureGrowth, memoryProfileHandler } from '../src/index.js';

const frame = { functionName: 'alloc', url: '/app/leak.js', line: 3, column: 10 };

/** A checkpoint with one site whose live samples have these ordinals, 1000 bytes each. */
function checkpoint(ordinals: number[]): Map<string, SiteReading> {
  return new Map([
    [
      'alloc',
      {
        key: 'alloc',
        stack: [frame],
        bytes: ordinals.length * 1000,
        objects: ordinals.length * 10,
        ordinals: new Set(ordinals),
        sampleBytes: new Map(ordinals.map((o) => [o, 1000])),
      },
    ],
  ]);
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const xs = [1000, 2000, 3000, 4000];
const options = { minGrowthBytes: 2000, top: 10 };

describe('rankGrowingSites: what counts as growing', () => {
  it('reports a site whose early samples all survive while new ones pile up, with its slope', () => {
    const sites = rankGrowingSites(
      [
        checkpoint(range(0, 10)),
        checkpoint(range(0, 20)),
        checkpoint(range(0, 30)),
        checkpoint(range(0, 40)),
      ],
      xs,
      options,
    );
    expect(sites).toHaveLength(1);
    expect(sites[0]!.bytesPerUnit).toBeCloseTo(10); // 10 samples of 1000 B per 1000 ops
    expect(sites[0]!.objectsPerUnit).toBeCloseTo(0.1);
    expect(sites[0]!.survivingBytes).toBe(10_000);
  });

  it('leaves out memory that churns: the live samples grow but none of the first survive', () => {
    // A cache filling while evicting its oldest: at the end, every early sample is gone.
    const sites = rankGrowingSites(
      [
        checkpoint(range(0, 10)),
        checkpoint(range(10, 22)),
        checkpoint(range(22, 36)),
        checkpoint(range(36, 52)),
      ],
      xs,
      options,
    );
    expect(sites).toEqual([]);
  });

  it('leaves out a bounded structure that keeps a few of its early entries and replaces the rest', () => {
    // 2 of the 10 samples at the first checkpoint stay (a frequency-based cache's favourites).
    const sites = rankGrowingSites(
      [
        checkpoint(range(0, 10)),
        checkpoint([0, 1, ...range(10, 22)]),
        checkpoint([0, 1, ...range(22, 36)]),
        checkpoint([0, 1, ...range(36, 52)]),
      ],
      xs,
      options,
    );
    expect(sites).toEqual([]);
  });

  it('leaves out a site that stopped growing in the second half (a structure reaching its bound)', () => {
    const sites = rankGrowingSites(
      [
        checkpoint(range(0, 10)),
        checkpoint(range(0, 20)),
        checkpoint(range(0, 20)),
        checkpoint(range(0, 20)),
      ],
      xs,
      options,
    );
    expect(sites).toEqual([]);
  });

  it('leaves out growth smaller than minGrowthBytes (within the sampling noise)', () => {
    const sites = rankGrowingSites(
      [checkpoint([1]), checkpoint([1]), checkpoint([1, 2]), checkpoint([1, 2])],
      xs,
      options,
    );
    expect(sites).toEqual([]);
  });
});

describe('estimateObjects', () => {
  it("inverts V8's sample scaling: a sample of n-byte objects stands for value / n of them", () => {
    const interval = 32_768;
    for (const size of [16, 32, 100, 1024, 40_000]) {
      const value = size / -Math.expm1(-size / interval);
      expect(estimateObjects(value, interval)).toBeCloseTo(value / size, 3);
    }
  });
});

describe('options', () => {
  it('rejects unknown keys with a did-you-mean hint, before running anything', async () => {
    let calls = 0;
    const fn = (): void => void calls++;
    await expect(findLeaks(fn, { interval: 1024 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
      message: expect.stringContaining('options.interval'),
    });
    await expect(findLeaks(fn, { op: 10 } as never)).rejects.toMatchObject({
      message: expect.stringContaining('did you mean `options.ops`?'),
    });
    await expect(findLeaks(fn, { ops: null } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_TYPE',
    });
    await expect(assertNoLeak(fn, { maxBytesPerOps: 1 } as never)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(measureGrowth(fn, { sample: 5 } as never)).rejects.toMatchObject({
      message: expect.stringContaining('did you mean `options.samples`?'),
    });
    expect(() => governMemory({ interval: 5 } as never)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('use `options.intervalMs`') }),
    );
    expect(() => memoryProfileHandler({ token: 'a-long-enough-test-token', seconds: 5 } as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(calls).toBe(0);
  });
});

describe('renderPath', () => {
  it('collapses a repeated run of holders into one and a count', () => {
    const step = (holder: string, edge: string, edgeType: string) => ({ holder, edge, edgeType });
    const chain = [
      step('Object', 'source', 'property'),
      ...Array.from({ length: 3 }, () => [
        step('closure of render (a.js:1:1)', 'previous', 'context'),
        step('Object', 'render', 'property'),
      ]).flat(),
      step('closure of step (a.js:9:1)', 'current', 'context'),
    ];
    expect(renderPath('(string)', chain)).toBe(
      '(string) ← Object.source ← "previous" in closure of render (a.js:1:1) ← Object.render (×3) ← "current" in closure of step (a.js:9:1)',
    );
  });
});
