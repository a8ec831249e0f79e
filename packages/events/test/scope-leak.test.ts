import { setStackCapture } from '@leakproof/core';
import { createScope, EventEmitter } from '@leakproof/events';
import { afterEach, describe, expect, it } from 'vitest';

const gc = globalThis.gc as () => void;

interface Warning extends Error {
  code?: string;
  detail?: string;
}

/** Collects until `done()` or the rounds run out; FinalizationRegistry callbacks run between turns. */
async function collectUntil(done: () => boolean, rounds = 50): Promise<void> {
  for (let i = 0; i < rounds && !done(); i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

function watchWarnings(): { warnings: Warning[]; stop(): void } {
  const warnings: Warning[] = [];
  const onWarning = (w: Warning) => {
    if (w.code === 'LEAKPROOF_SCOPE_LEAKED') warnings.push(w);
  };
  process.on('warning', onWarning);
  return { warnings, stop: () => process.off('warning', onWarning) };
}

afterEach(() => setStackCapture(false));

describe('a scope dropped without dispose', () => {
  it('is reported with LEAKPROOF_SCOPE_LEAKED and its listeners are removed', async () => {
    const e = new EventEmitter();
    const watch = watchWarnings();
    try {
      (() => {
        const scope = createScope({ name: 'forgotten' });
        scope.on(e, 'x', () => {});
        scope.on(e, 'y', () => {});
      })();
      expect(e.listenerCount('x')).toBe(1);
      await collectUntil(() => watch.warnings.length > 0 && e.listenerCount('x') === 0);
      // process.emitWarning delivers on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      watch.stop();
    }
    expect(e.listenerCount('x') + e.listenerCount('y')).toBe(0);
    expect(watch.warnings).toHaveLength(1);
    expect(watch.warnings[0]?.name).toBe('LeakproofWarning');
    expect(watch.warnings[0]?.message).toContain('`forgotten`');
    expect(watch.warnings[0]?.message).toContain('2 listener(s)');
    expect(e.stats().scopes).toBe(0);
  });

  it('carries its creation stack when stack capture is on', async () => {
    setStackCapture(true);
    const e = new EventEmitter();
    const watch = watchWarnings();
    try {
      (function createsAScopeAndForgetsIt() {
        createScope().on(e, 'x', () => {});
      })();
      await collectUntil(() => watch.warnings.length > 0);
      await new Promise((r) => setImmediate(r));
    } finally {
      watch.stop();
    }
    expect(watch.warnings[0]?.detail).toContain('createsAScopeAndForgetsIt');
  });

  it('is not reported once disposed, nor when it held nothing', async () => {
    const e = new EventEmitter();
    const watch = watchWarnings();
    try {
      (() => {
        createScope()
          .on(e, 'x', () => {})
          .dispose();
        createScope();
        const s = createScope();
        s.once(e, 'y', () => {});
        e.emit('y');
      })();
      for (let i = 0; i < 10; i++) {
        gc();
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      watch.stop();
    }
    expect(watch.warnings).toHaveLength(0);
  });

  it('is kept alive by its signal or its parent: owned scopes are not leaks', async () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const parent = createScope();
    const watch = watchWarnings();
    try {
      (() => {
        createScope({ signal: ac.signal }).on(e, 'x', () => {});
        parent.child().on(e, 'x', () => {});
      })();
      for (let i = 0; i < 10; i++) {
        gc();
        await new Promise((r) => setImmediate(r));
      }
      expect(e.listenerCount('x')).toBe(2);
      expect(watch.warnings).toHaveLength(0);
      ac.abort();
      parent.dispose();
      expect(e.listenerCount('x')).toBe(0);
    } finally {
      watch.stop();
    }
  });

  it('a dropped parent takes its dropped children with it', async () => {
    const e = new EventEmitter();
    const watch = watchWarnings();
    try {
      (() => {
        const parent = createScope();
        parent.on(e, 'x', () => {});
        parent.child().on(e, 'x', () => {});
      })();
      await collectUntil(() => e.listenerCount('x') === 0);
      await new Promise((r) => setImmediate(r));
    } finally {
      watch.stop();
    }
    expect(e.listenerCount('x')).toBe(0);
    expect(watch.warnings).toHaveLength(1);
    expect(watch.warnings[0]?.message).toContain('2 listener(s)');
  });
});
