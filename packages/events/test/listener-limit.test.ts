import diagnostics_channel from 'node:diagnostics_channel';
import { setStackCapture } from '@leakproof/core';
import {
  EventEmitter,
  getDefaultListenerLimit,
  ListenerLimitError,
  setDefaultListenerLimit,
} from '@leakproof/events';
import { afterEach, describe, expect, it } from 'vitest';

const noop = () => {};

afterEach(() => {
  setDefaultListenerLimit(1000);
  setStackCapture(false);
});

describe('listenerLimit', () => {
  it('defaults to 1000 per event and throws ERR_LISTENER_LIMIT on the 1001st add, adding nothing', () => {
    const e = new EventEmitter();
    e.setMaxListeners(0);
    for (let i = 0; i < 1000; i++) e.on('x', () => {});
    expect(() => e.on('x', noop)).toThrow(ListenerLimitError);
    expect(e.listenerCount('x')).toBe(1000);
    // Other events are counted separately.
    e.on('y', noop);
    expect(e.listenerCount('y')).toBe(1);
  });

  it('applies to every add method, including once and Node-side once wrappers', () => {
    const e = new EventEmitter({ listenerLimit: 2 });
    e.on('x', noop).once('x', noop);
    for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const) {
      expect(() => e[method]('x', noop), method).toThrow(
        expect.objectContaining({ code: 'ERR_LISTENER_LIMIT' }),
      );
      expect(() => e[method]('x', noop, { signal: new AbortController().signal }), method).toThrow(
        expect.objectContaining({ code: 'ERR_LISTENER_LIMIT' }),
      );
    }
    expect(e.listenerCount('x')).toBe(2);
    expect(e.stats().limitHits).toBe(10);
  });

  it('names the emitter, the event and the count', () => {
    const e = new EventEmitter({ name: 'inventory', listenerLimit: 3 });
    e.on('change', noop).on('change', noop).on('change', noop);
    let error: ListenerLimitError | undefined;
    try {
      e.on('change', noop);
    } catch (err) {
      error = err as ListenerLimitError;
    }
    expect(error).toBeInstanceOf(ListenerLimitError);
    expect(error?.code).toBe('ERR_LISTENER_LIMIT');
    expect(error?.message).toContain('`inventory`');
    expect(error?.message).toContain('change');
    expect(error?.message).toContain('3 listeners');
    expect(error?.emitterName).toBe('`inventory`');
    expect(error?.eventName).toBe('change');
    expect(error?.count).toBe(3);
    expect(error?.limit).toBe(3);
    expect(error?.sites).toEqual([]);
  });

  it('names an unnamed emitter by its class', () => {
    class Inventory extends EventEmitter {}
    const e = new Inventory({ listenerLimit: 1 });
    e.on('x', noop);
    expect(() => e.on('x', noop)).toThrow(/an Inventory/);
  });

  it('with stack capture on, reports the call sites that added the most listeners', () => {
    setStackCapture(true);
    const e = new EventEmitter({ listenerLimit: 5 });
    function leakyHandler() {
      e.on('x', () => {});
    }
    function otherPlace() {
      e.once('x', () => {});
    }
    for (let i = 0; i < 4; i++) leakyHandler();
    otherPlace();
    let error: ListenerLimitError | undefined;
    try {
      leakyHandler();
    } catch (err) {
      error = err as ListenerLimitError;
    }
    expect(error?.sites.length).toBe(2);
    expect(error?.sites[0]?.count).toBe(4);
    expect(error?.sites[0]?.stack.split('\n')[0]).toContain('leakyHandler');
    expect(error?.sites[1]?.count).toBe(1);
    expect(error?.sites[1]?.stack.split('\n')[0]).toContain('otherPlace');
    expect(error?.message).toContain('leakyHandler');
  });

  it('is settable per emitter and process-wide, and validated', () => {
    const e = new EventEmitter();
    expect(e.getListenerLimit()).toBe(1000);
    setDefaultListenerLimit(2);
    expect(getDefaultListenerLimit()).toBe(2);
    expect(e.getListenerLimit()).toBe(2);
    expect(EventEmitter.defaultListenerLimit).toBe(2);
    e.on('x', noop).on('x', noop);
    expect(() => e.on('x', noop)).toThrow(ListenerLimitError);
    expect(e.setListenerLimit(3)).toBe(e);
    e.on('x', noop);
    expect(e.getListenerLimit()).toBe(3);
    EventEmitter.defaultListenerLimit = 7;
    expect(getDefaultListenerLimit()).toBe(7);
    for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 24 + 1]) {
      expect(() => e.setListenerLimit(bad)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
      expect(() => setDefaultListenerLimit(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
      expect(() => new EventEmitter({ listenerLimit: bad })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
      );
    }
    expect(() => e.setListenerLimit('5' as unknown as number)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => new EventEmitter({ listenerLimit: 0 })).toThrow(
      'Expected `options.listenerLimit` to be an integer from 1 to 16777216, got `0` (number)',
    );
  });

  it("leaves Node's warning threshold working below the hard limit", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const e = new EventEmitter({ listenerLimit: 20 });
      for (let i = 0; i < 11; i++) e.on('x', noop);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toContain('MaxListenersExceededWarning');
  });

  it('a throwing newListener listener leaves nothing behind', () => {
    const e = new EventEmitter();
    e.on('newListener', (event) => {
      if (event === 'x') throw new Error('no');
    });
    const ac = new AbortController();
    expect(() => e.on('x', noop, { signal: ac.signal })).toThrow('no');
    expect(e.listenerCount('x')).toBe(0);
    expect(e.stats().signalBound).toBe(0);
  });

  it('publishes leakproof:events:limit on diagnostics_channel', () => {
    const messages: unknown[] = [];
    const onMessage = (m: unknown) => messages.push(m);
    diagnostics_channel.subscribe('leakproof:events:limit', onMessage);
    try {
      const e = new EventEmitter({ name: 'bus', listenerLimit: 1 });
      e.on('x', noop);
      expect(() => e.on('x', noop)).toThrow();
      expect(messages).toEqual([expect.objectContaining({ name: 'bus', event: 'x', count: 1, limit: 1 })]);
    } finally {
      diagnostics_channel.unsubscribe('leakproof:events:limit', onMessage);
    }
  });
});
