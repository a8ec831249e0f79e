import { listPrimitives } from '@leakproof/core';
import { EventEmitter } from '@leakproof/events';
import { describe, expect, it } from 'vitest';

describe('stats and registry', () => {
  it('stats() reports listeners by event, limit, limit hits, scopes and signal-bound listeners', () => {
    const e = new EventEmitter({ listenerLimit: 3 });
    expect(e.stats()).toEqual({
      listeners: 0,
      events: 0,
      maxEventListeners: 0,
      listenerLimit: 3,
      limitHits: 0,
      scopes: 0,
      signalBound: 0,
    });
    const ac = new AbortController();
    e.on('a', () => {})
      .on('a', () => {})
      .on('b', () => {}, { signal: ac.signal });
    e.on('a', () => {});
    expect(() => e.on('a', () => {})).toThrow();
    const scope = e.scope();
    scope.on('c', () => {});
    expect(e.stats()).toEqual({
      listeners: 5,
      events: 3,
      maxEventListeners: 3,
      listenerLimit: 3,
      limitHits: 1,
      scopes: 1,
      signalBound: 1,
    });
    for (const value of Object.values(e.stats())) expect(typeof value).toBe('number');
  });

  it("registers every emitter weakly in core's registry as kind 'emitter', with its name", () => {
    const e = new EventEmitter({ name: 'inventory-stats-test' });
    e.on('x', () => {});
    const entry = listPrimitives({ kind: 'emitter' }).find((p) => p.name === 'inventory-stats-test');
    expect(entry?.stats).toMatchObject({ listeners: 1, events: 1 });
    e[Symbol.dispose]();
    expect(e.listenerCount('x')).toBe(0);
    expect(
      listPrimitives({ kind: 'emitter' }).find((p) => p.name === 'inventory-stats-test'),
    ).toBeUndefined();
    e[Symbol.dispose]();
  });

  it('an unnamed emitter registers once one of its events goes past 10 listeners', () => {
    const e = new EventEmitter();
    const registered = () =>
      listPrimitives({ kind: 'emitter' }).some(
        (p) => p.stats.listeners === 10 && p.stats.listenerLimit === 999,
      );
    e.setListenerLimit(999);
    for (let i = 0; i < 9; i++) e.on('busy', () => {});
    e.on('other', () => {});
    expect(registered()).toBe(false);
    e.off('other', e.listeners('other')[0] as () => void);
    e.on('busy', () => {});
    expect(registered()).toBe(false); // the 10th listener is checked against 9 existing
    e.on('busy', () => {});
    expect(
      listPrimitives({ kind: 'emitter' }).some(
        (p) => p.stats.listeners === 11 && p.stats.listenerLimit === 999,
      ),
    ).toBe(true);
  });

  it('old-style subclasses that never call the constructor still get a limit and stats', () => {
    function Bare(this: object) {}
    Object.setPrototypeOf(Bare.prototype, EventEmitter.prototype);
    const b = new (Bare as unknown as new () => EventEmitter)();
    b.setListenerLimit(1);
    b.on('x', () => {});
    expect(() => b.on('x', () => {})).toThrow(expect.objectContaining({ code: 'ERR_LISTENER_LIMIT' }));
    expect(b.stats().listeners).toBe(1);
  });

  it('validates the name option; an empty name means none', () => {
    expect(() => new EventEmitter({ name: 3 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    const before = listPrimitives({ kind: 'emitter' }).filter((p) => p.name === '').length;
    new EventEmitter({ name: '' });
    expect(listPrimitives({ kind: 'emitter' }).filter((p) => p.name === '').length).toBe(before);
  });
});
