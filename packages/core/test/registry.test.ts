import { execFileSync } from 'node:child_process';
import diagnostics_channel from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { channelName, diagnosticsChannel, listPrimitives, publish, registerPrimitive } from '@leakproof/core';
import { describe, expect, it } from 'vitest';
// The slope estimator measureGrowth uses; a source import, so core does not depend on memwatch.
import { theilSen } from '../../memwatch/src/statistics.js';

const gc = globalThis.gc as () => void;

/**
 * Collects garbage until `done()` or the attempts run out. A `WeakRef` keeps its target alive
 * until the current job ends, and FinalizationRegistry callbacks run as tasks, so each attempt
 * waits a timer turn first (a setImmediate turn does not release kept WeakRef targets in Node 20).
 */
async function collectUntil(done: () => boolean, attempts = 50): Promise<boolean> {
  // Checking done() derefs, which keeps targets alive to the end of this job: collect only after a turn.
  for (let i = 0; i < attempts; i++) {
    await new Promise((r) => setTimeout(r, 0));
    gc();
    if (done()) return true;
  }
  return false;
}

class Counter {
  hits = 0;
  stats() {
    return { hits: this.hits };
  }
}

describe('registry', () => {
  it('lists live primitives with their current stats and name', () => {
    const counter = new Counter();
    const reg = registerPrimitive(counter, { kind: 'test-counter', name: 'mine', stats: (c) => c.stats() });
    counter.hits = 3;
    const found = listPrimitives({ kind: 'test-counter' }).find((p) => p.id === reg.id);
    expect(found).toMatchObject({ kind: 'test-counter', name: 'mine', stats: { hits: 3 } });
    reg.unregister();
    expect(listPrimitives({ kind: 'test-counter' }).some((p) => p.id === reg.id)).toBe(false);
  });

  it('names unnamed primitives after their kind and id', () => {
    const counter = new Counter();
    using reg = registerPrimitive(counter, { kind: 'test-unnamed', stats: (c) => c.stats() });
    expect(reg.name).toBe(`test-unnamed#${reg.id}`);
  });

  it('exposes compact only for primitives that can shed load, and calls it with the live target', () => {
    const shed: number[] = [];
    const target = { size: 10 };
    using reg = registerPrimitive(target, {
      kind: 'test-compactable',
      stats: (t) => ({ size: t.size }),
      compact: (_t, fraction) => shed.push(fraction),
    });
    const info = listPrimitives({ kind: 'test-compactable' }).find((p) => p.id === reg.id);
    info?.compact?.(0.25);
    expect(shed).toEqual([0.25]);
    const plain = registerPrimitive({}, { kind: 'test-plain', stats: () => ({}) });
    expect(listPrimitives({ kind: 'test-plain' })[0]?.compact).toBeUndefined();
    plain.unregister();
  });

  it("reads the primitive's own stats() when no stats option is given, and requires one otherwise", () => {
    const counter = new Counter();
    counter.hits = 5;
    using reg = registerPrimitive(counter, { kind: 'test-own-stats' });
    expect(listPrimitives({ kind: 'test-own-stats' }).find((p) => p.id === reg.id)?.stats).toEqual({
      hits: 5,
    });
    expect(() => registerPrimitive({}, { kind: 'test-no-stats' })).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_ARG_TYPE',
        message: expect.stringContaining('options.stats'),
      }),
    );
  });

  it('keeps nothing alive even when the primitive registers from a constructor full of this-closures', async () => {
    // V8 shares one context between the closures of a function: a `stats` closure written
    // beside one that uses `this` would hold the primitive. The default stats avoids that.
    class Busy {
      readonly onTick: () => void;
      readonly payload = new Array(1000).fill(0);
      constructor() {
        this.onTick = () => void this.payload.length;
        registerPrimitive(this, { kind: 'test-busy' });
      }
      stats() {
        return { n: this.payload.length };
      }
    }
    let collected = false;
    const watcher = new FinalizationRegistry(() => {
      collected = true;
    });
    (() => {
      watcher.register(new Busy(), 'busy');
    })();
    expect(await collectUntil(() => collected)).toBe(true);
  });

  it('is one registry for the ESM and the CJS build loaded together (child process on dist)', () => {
    const dist = (file: string) => JSON.stringify(fileURLToPath(new URL(`../dist/${file}`, import.meta.url)));
    const script = `
      import { createRequire } from 'node:module';
      import { listPrimitives } from ${dist('index.js')};
      const cjs = createRequire(import.meta.url)(${dist('index.cjs')});
      const target = { stats: () => ({ n: 1 }) };
      cjs.registerPrimitive(target, { kind: 'dual' });
      console.log(listPrimitives({ kind: 'dual' }).length);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.trim()).toBe('1');
  });

  it('leaves out a primitive whose stats throw instead of failing the whole list', () => {
    using _bad = registerPrimitive(
      {},
      {
        kind: 'test-broken',
        stats: () => {
          throw new Error('broken');
        },
      },
    );
    expect(listPrimitives({ kind: 'test-broken' })).toEqual([]);
  });

  it('does not keep a registered primitive alive: it is collected and drops out', async () => {
    let collected = false;
    const watcher = new FinalizationRegistry(() => {
      collected = true;
    });
    let id = 0;
    (() => {
      const big = { payload: new Array(10_000).fill(1), stats: () => ({ n: 1 }) };
      id = registerPrimitive(big, { kind: 'test-weak', stats: (t) => t.stats() }).id;
      watcher.register(big, 'big');
    })();
    expect(await collectUntil(() => collected)).toBe(true);
    expect(listPrimitives({ kind: 'test-weak' }).some((p) => p.id === id)).toBe(false);
  });

  it('retains no memory per registered-then-collected primitive (memory)', async () => {
    const perRound = 10_000;
    const round = async () => {
      for (let i = 0; i < perRound; i++) registerPrimitive({ i }, { kind: 'test-churn', stats: () => ({}) });
      await collectUntil(() => listPrimitives({ kind: 'test-churn' }).length === 0);
      gc();
      return process.memoryUsage().heapUsed;
    };
    await round();
    const heaps: number[] = [];
    for (let r = 0; r <= 10; r++) heaps.push(await round());
    // The registry's tables grow and shrink with the 10,000 live entries of a round, so one
    // reading after a round differs from the next by up to about 250 KB either way (2.1 B a
    // registration between the first and the last once): the median of the pairwise slopes
    // (Theil–Sen) reads through it, at 0 to 0.4 B. A live registration costs about 390 B,
    // and an entry left behind well over 100 B, so 2 B a registration is a clear bound.
    const { slope } = theilSen(
      heaps.map((_, r) => r * perRound),
      heaps,
    );
    expect(slope).toBeLessThan(2);
    expect(listPrimitives({ kind: 'test-churn' })).toEqual([]);
  });
});

describe('diagnostics channels', () => {
  it('names channels leakproof:<package>:<event> and rejects odd names', () => {
    expect(channelName('cache', 'evict')).toBe('leakproof:cache:evict');
    expect(() => channelName('Cache', 'evict')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => channelName('cache', 'a:b')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('builds and publishes the message only when someone subscribes', () => {
    const channel = diagnosticsChannel('core', 'test-event');
    let built = 0;
    const message = () => {
      built++;
      return { n: built };
    };
    publish(channel, message);
    expect(built).toBe(0);
    const seen: unknown[] = [];
    const subscriber = (m: unknown) => seen.push(m);
    diagnostics_channel.subscribe('leakproof:core:test-event', subscriber);
    publish(channel, message);
    diagnostics_channel.unsubscribe('leakproof:core:test-event', subscriber);
    publish(channel, message);
    expect(built).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
  });
});
