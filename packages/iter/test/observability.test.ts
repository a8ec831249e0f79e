import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { listPrimitives } from '@leakproof/core';
import { chunk, map, mapConcurrent, toArray } from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { probe, range } from './helpers.js';

describe('registry, stats and diagnostics', () => {
  test('a running bounded stage is registered under kind iter, and unregistered when it closes', async () => {
    const stage = mapConcurrent(probe(range(10)).source, async (x) => x, { concurrency: 2, name: 'enrich' });
    expect(listPrimitives({ kind: 'iter' }).some((p) => p.name === 'enrich')).toBe(false); // not started
    await stage.next();
    const info = listPrimitives({ kind: 'iter' }).find((p) => p.name === 'enrich');
    expect(info?.stats).toMatchObject({ yielded: 1, waiting: 0, inFlight: expect.any(Number) });
    await stage.return(undefined);
    expect(listPrimitives({ kind: 'iter' }).some((p) => p.name === 'enrich')).toBe(false);
  });

  test('stats are plain numbers', async () => {
    const stage = chunk(range(10), { size: 3 });
    await stage.next();
    for (const value of Object.values(stage.stats())) expect(typeof value).toBe('number');
  });

  test('close events on leakproof:iter:close say why the stage closed', async () => {
    const events: { op: string; reason: string }[] = [];
    const listener = (m: unknown) => events.push(m as { op: string; reason: string });
    subscribe('leakproof:iter:close', listener);
    try {
      await toArray(
        map(range(3), (x) => x),
        { max: 3 },
      );
      const s = chunk(range(10), 2);
      await s.next();
      await s.return(undefined);
      await toArray(
        map(range(3), () => Promise.reject(new Error('x'))),
        { max: 3 },
      ).catch(() => {});
      const aborted = map(range(3), (x) => x, { signal: AbortSignal.abort() });
      await aborted.next().catch(() => {});
    } finally {
      unsubscribe('leakproof:iter:close', listener);
    }
    expect(events.map((e) => `${e.op}:${e.reason}`)).toEqual([
      'map:done',
      'from:done',
      'chunk:return',
      'map:error',
      'from:error',
      'map:abort',
    ]);
  });
});
