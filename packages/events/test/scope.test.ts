import { getEventListeners, EventEmitter as NodeEventEmitter } from 'node:events';
import { listPrimitives } from '@leakproof/core';
import {
  createScope,
  EmitterScope,
  EventEmitter,
  ListenerScope,
  ScopeDisposedError,
} from '@leakproof/events';
import { describe, expect, it } from 'vitest';
import { createState } from '../src/scope/create.js';
import { disposeState } from '../src/scope/dispose.js';
import { addTo } from '../src/scope/targets.js';

describe('ListenerScope', () => {
  it('removes every listener it added, on every emitter and EventTarget, when disposed', () => {
    const a = new EventEmitter();
    const b = new NodeEventEmitter();
    const t = new EventTarget();
    const scope = createScope();
    const calls: string[] = [];
    scope.on(a, 'x', () => calls.push('a'));
    scope.on(b, 'x', () => calls.push('b'));
    scope.on(t, 'x', () => calls.push('t'));
    scope.on(t, 'y', { handleEvent: () => calls.push('handleEvent') });
    expect(scope.size).toBe(4);
    a.emit('x');
    b.emit('x');
    t.dispatchEvent(new Event('x'));
    t.dispatchEvent(new Event('y'));
    scope.dispose();
    a.emit('x');
    b.emit('x');
    t.dispatchEvent(new Event('x'));
    expect(calls).toEqual(['a', 'b', 't', 'handleEvent']);
    expect(a.listenerCount('x') + b.listenerCount('x')).toBe(0);
    expect(getEventListeners(t, 'x')).toHaveLength(0);
    expect(getEventListeners(t, 'y')).toHaveLength(0);
    expect(scope.size).toBe(0);
    expect(scope.disposed).toBe(true);
  });

  it('removes last-in-first-out, children first', () => {
    const e = new EventEmitter();
    const removed: string[] = [];
    e.on('removeListener', (_event, listener: { tag?: string }) => removed.push(listener.tag ?? '?'));
    const tagged = (tag: string) => Object.assign(() => {}, { tag });
    const scope = createScope();
    const child1 = scope.child();
    scope.on(e, 'x', tagged('p1'));
    child1.on(e, 'x', tagged('c1'));
    const child2 = createScope({ parent: scope });
    child2.on(e, 'x', tagged('c2a'));
    child2.on(e, 'x', tagged('c2b'));
    scope.on(e, 'x', tagged('p2'));
    scope.dispose();
    expect(removed).toEqual(['c2b', 'c2a', 'c1', 'p2', 'p1']);
    expect(child1.disposed && child2.disposed).toBe(true);
  });

  it('is idempotent and throws ERR_SCOPE_DISPOSED on add after dispose, adding nothing', () => {
    const e = new EventEmitter();
    const scope = createScope();
    scope.on(e, 'x', () => {});
    scope.dispose();
    scope.dispose();
    scope[Symbol.dispose]();
    expect(() => scope.on(e, 'x', () => {})).toThrow(ScopeDisposedError);
    expect(() => scope.once(e, 'x', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_SCOPE_DISPOSED' }),
    );
    expect(() => scope.child()).toThrow(expect.objectContaining({ code: 'ERR_SCOPE_DISPOSED' }));
    expect(e.listenerCount('x')).toBe(0);
  });

  it('works with `using`', () => {
    const e = new EventEmitter();
    {
      using scope = createScope();
      scope.on(e, 'x', () => {});
      expect(e.listenerCount('x')).toBe(1);
    }
    expect(e.listenerCount('x')).toBe(0);
  });

  it('is disposed when its signal aborts, and leaves no listener on the signal either way', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const scope = createScope({ signal: ac.signal });
    scope.on(e, 'x', () => {});
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort();
    expect(scope.disposed).toBe(true);
    expect(e.listenerCount('x')).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);

    const ac2 = new AbortController();
    const scope2 = createScope({ signal: ac2.signal });
    scope2.dispose();
    expect(getEventListeners(ac2.signal, 'abort')).toHaveLength(0);

    const early = createScope({ signal: AbortSignal.abort() });
    expect(early.disposed).toBe(true);
    expect(() => early.on(e, 'x', () => {})).toThrow(ScopeDisposedError);
  });

  it('scope.signal aborts on dispose (and is aborted at once when read after dispose)', () => {
    const scope = createScope();
    const signal = scope.signal;
    expect(signal.aborted).toBe(false);
    scope.dispose();
    expect(signal.aborted).toBe(true);
    const late = createScope();
    late.dispose();
    expect(late.signal.aborted).toBe(true);
  });

  it('once listeners are forgotten when they fire, so long-lived scopes do not grow', () => {
    const e = new EventEmitter();
    const t = new EventTarget();
    const scope = createScope();
    let calls = 0;
    for (let i = 0; i < 10_000; i++) {
      scope.once(e, 'x', () => calls++);
      e.emit('x');
      scope.once(t, 'y', () => calls++);
      t.dispatchEvent(new Event('y'));
    }
    expect(calls).toBe(20_000);
    expect(scope.size).toBe(0);
    expect(e.listenerCount('x')).toBe(0);
  });

  it("a scope's record of spent once listeners is compacted, so it does not grow", () => {
    const e = new EventEmitter();
    const t = new EventTarget();
    const state = createState({}, undefined, undefined, undefined, 0);
    for (let i = 0; i < 10_000; i++) {
      addTo(state, e, 'x', () => {}, true);
      e.emit('x');
      addTo(state, t, 'y', () => {}, true);
      t.dispatchEvent(new Event('y'));
    }
    expect(state.live).toBe(0);
    // Far fewer slots than the 20k spent entries (3 slots each).
    expect(state.slots.length).toBeLessThan(3 * 40);
    disposeState(state);
  });

  it('once on an emitter behaves like Node once: off(original) works, listeners() unwraps', () => {
    const e = new EventEmitter();
    const scope = createScope();
    const f = () => {};
    scope.once(e, 'x', f);
    expect(e.listeners('x')).toEqual([f]);
    e.off('x', f);
    expect(e.listenerCount('x')).toBe(0);
    scope.dispose();
  });

  it('off() removes one registration the scope made', () => {
    const e = new EventEmitter();
    const scope = createScope();
    const f = () => {};
    scope.on(e, 'x', f).on(e, 'x', f);
    expect(scope.off(e, 'x', f)).toBe(true);
    expect(scope.size).toBe(1);
    expect(e.listenerCount('x')).toBe(1);
    expect(scope.off(e, 'y', f)).toBe(false);
    scope.dispose();
    expect(e.listenerCount('x')).toBe(0);
  });

  it('an add the target refuses (limit) leaves nothing recorded', () => {
    const e = new EventEmitter({ listenerLimit: 1 });
    const scope = createScope();
    scope.on(e, 'x', () => {});
    expect(() => scope.on(e, 'x', () => {})).toThrow(expect.objectContaining({ code: 'ERR_LISTENER_LIMIT' }));
    expect(scope.size).toBe(1);
  });

  it('validates targets, events, listeners and options', () => {
    const scope = createScope();
    const e = new EventEmitter();
    expect(() => scope.on({} as never, 'x', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => scope.on(null as never, 'x', () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => scope.on(e, 'x', 'f' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => scope.on(e, 1 as never, () => {})).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => scope.on(new EventTarget(), 'x', {} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => createScope({ signal: 'x' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => createScope({ parent: {} as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => createScope('x' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(scope.size).toBe(0);
  });

  it('keeps going when a removal throws, and rethrows afterwards', () => {
    const e = new EventEmitter();
    const scope = createScope();
    scope.on(e, 'a', () => {});
    scope.on(e, 'b', () => {});
    e.on('removeListener', (event) => {
      if (event === 'b') throw new Error('listener refused');
    });
    expect(() => scope.dispose()).toThrow('listener refused');
    expect(e.listenerCount('a') + e.listenerCount('b')).toBe(0);
    expect(scope.disposed).toBe(true);
  });

  it('counts on the emitter stats while live', () => {
    const e = new EventEmitter();
    const s1 = createScope();
    const s2 = e.scope();
    s1.on(e, 'x', () => {}).on(e, 'y', () => {});
    s2.on('x', () => {});
    expect(e.stats()).toMatchObject({ scopes: 2, listeners: 3, events: 2, maxEventListeners: 2 });
    s1.dispose();
    s2.dispose();
    expect(e.stats()).toMatchObject({ scopes: 0, listeners: 0 });
  });

  it("a named scope registers in core's registry until disposed", () => {
    const scope = createScope({ name: 'request-42' });
    scope.on(new EventEmitter(), 'x', () => {});
    expect(listPrimitives({ kind: 'scope' }).find((p) => p.name === 'request-42')?.stats).toEqual({
      listeners: 1,
      children: 0,
      disposed: 0,
    });
    scope.dispose();
    expect(listPrimitives({ kind: 'scope' }).find((p) => p.name === 'request-42')).toBeUndefined();
  });

  it('ListenerScope is constructible directly', () => {
    const scope = new ListenerScope();
    expect(String(scope)).toBe('[object ListenerScope]');
    scope.dispose();
  });
});

describe('emitter.scope()', () => {
  it('binds a scope to one emitter', () => {
    const e = new EventEmitter<{ change: [number]; done: [] }>();
    const scope = e.scope();
    expect(scope).toBeInstanceOf(EmitterScope);
    const seen: number[] = [];
    scope.on('change', (n) => seen.push(n));
    scope.once('done', () => seen.push(-1));
    e.emit('change', 1);
    e.emit('done');
    e.emit('done');
    expect(seen).toEqual([1, -1]);
    expect(scope.size).toBe(1);
    const child = scope.child();
    child.on('change', () => {});
    expect(e.listenerCount('change')).toBe(2);
    scope.dispose();
    expect(e.listenerCount('change')).toBe(0);
    expect(child.disposed).toBe(true);
    expect(() => scope.on('change', () => {})).toThrow(ScopeDisposedError);
  });

  it('takes a signal', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const scope = e.scope({ signal: ac.signal });
    scope.on('x', () => {});
    ac.abort();
    expect(e.listenerCount('x')).toBe(0);
  });
});
