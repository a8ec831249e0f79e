import { getEventListeners } from 'node:events';
import { EventEmitter } from '@leakproof/events';
import { describe, expect, it } from 'vitest';

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('{ signal } on add', () => {
  it('removes the listener when the signal aborts and leaves no listener on the signal', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const calls: number[] = [];
    e.on('x', (n: number) => calls.push(n), { signal: ac.signal });
    expect(abortListeners(ac.signal)).toBe(1);
    e.emit('x', 1);
    ac.abort();
    e.emit('x', 2);
    expect(calls).toEqual([1]);
    expect(e.listenerCount('x')).toBe(0);
    expect(abortListeners(ac.signal)).toBe(0);
    expect(e.stats().signalBound).toBe(0);
  });

  it('an already-aborted signal adds nothing', () => {
    const e = new EventEmitter();
    expect(e.on('x', () => {}, { signal: AbortSignal.abort() })).toBe(e);
    expect(e.listenerCount('x')).toBe(0);
  });

  it('removing the listener by any path unhooks it from the signal', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const f = () => {};
    const paths: Array<() => void> = [
      () => e.off('x', f),
      () => e.removeListener('x', f),
      () => e.removeAllListeners('x'),
      () => e.removeAllListeners(),
      () => {
        e.on('removeListener', () => {});
        e.removeAllListeners();
      },
    ];
    for (const remove of paths) {
      e.on('x', f, { signal: ac.signal });
      expect(abortListeners(ac.signal)).toBe(1);
      remove();
      expect(e.listenerCount('x')).toBe(0);
      expect(abortListeners(ac.signal)).toBe(0);
      expect(e.stats().signalBound).toBe(0);
    }
  });

  it('once with a signal fires once and unhooks; abort before it fires removes it', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const calls: string[] = [];
    e.once('x', (v: string) => calls.push(v), { signal: ac.signal });
    e.emit('x', 'a');
    e.emit('x', 'b');
    expect(calls).toEqual(['a']);
    expect(abortListeners(ac.signal)).toBe(0);
    e.prependOnceListener('y', () => calls.push('y'), { signal: ac.signal });
    ac.abort();
    e.emit('y');
    expect(calls).toEqual(['a']);
    expect(e.listenerCount('y')).toBe(0);
  });

  it('prependListener with a signal goes first', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const order: string[] = [];
    e.on('x', () => order.push('on'));
    e.prependListener('x', () => order.push('prepended'), { signal: ac.signal });
    e.emit('x');
    expect(order).toEqual(['prepended', 'on']);
  });

  it('keeps Node semantics for the wrapped listener: this, arguments, listeners(), off(original), newListener', () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const seen: unknown[] = [];
    e.on('newListener', (_event, listener) => seen.push(['new', listener === f]));
    function f(this: unknown, ...args: unknown[]) {
      seen.push([this === e, args]);
    }
    e.on('x', f, { signal: ac.signal });
    e.emit('x', 1, 2);
    expect(e.listeners('x')).toEqual([f]);
    expect(e.rawListeners('x')[0]).not.toBe(f);
    expect(seen).toEqual([
      ['new', true],
      [true, [1, 2]],
    ]);
  });

  it('validates the options and the signal', () => {
    const e = new EventEmitter();
    expect(() => e.on('x', () => {}, { signal: {} as AbortSignal })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => e.on('x', 'f' as never, { signal: new AbortController().signal })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(e.listenerCount('x')).toBe(0);
  });

  it('a third argument that is not an options object is ignored, as node:events does', () => {
    const e = new EventEmitter();
    const f = () => {};
    for (const extra of ['context', true, 1, null, () => {}]) e.on('x', f, extra as never);
    expect(e.rawListeners('x')).toEqual([f, f, f, f, f]);
  });

  it('{} or { signal: undefined } behaves as a plain add', () => {
    const e = new EventEmitter();
    const f = () => {};
    e.on('x', f, {});
    e.once('x', f, { signal: undefined });
    expect(e.rawListeners('x')[0]).toBe(f);
    expect(e.listenerCount('x')).toBe(2);
  });
});
