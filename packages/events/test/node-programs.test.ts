// Behaviours exercised by Node's own test programs for node:events (test/parallel/test-event*),
// restated as scenarios run on node:events and on this package with identical results.
import { createHook, executionAsyncId } from 'node:async_hooks';
import * as nodeEvents from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import * as leakproof from '@leakproof/events';
import { describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: scenarios drive both modules through the same untyped surface
type Impl = any;

function conform(name: string, scenario: (m: Impl) => unknown): void {
  it(name, async () => {
    const expected = await scenario(nodeEvents);
    expect(await scenario(leakproof)).toEqual(expected);
  });
}

describe("behaviours from Node's test programs", () => {
  conform("on(): after an 'error', the first pending next() rejects and the others end", async (m) => {
    const ee = new m.EventEmitter();
    const iterable = m.on(ee, 'foo');
    const boom = new Error('kaboom');
    process.nextTick(() => ee.emit('error', boom));
    const results = await Promise.allSettled([iterable.next(), iterable.next(), iterable.next()]);
    return [results, ee.listenerCount('error'), ee.listenerCount('foo')];
  });

  conform('on(): throw(err) delivers the buffered events first, then err', async (m) => {
    const ee = new m.EventEmitter();
    const iterable = m.on(ee, 'foo');
    const boom = new Error('kaboom');
    process.nextTick(() => {
      ee.emit('foo', 'bar');
      ee.emit('foo', 42);
      iterable.throw(boom);
    });
    const seen: unknown[] = [];
    try {
      for await (const event of iterable) seen.push(event);
    } catch (error) {
      seen.push(error === boom);
    }
    return [seen, ee.listenerCount('foo'), ee.listenerCount('error')];
  });

  conform("on(): exactly one 'error' listener while iterating", (m) => {
    const ee = new m.EventEmitter();
    m.on(ee, 'foo');
    return ee.listenerCount('error');
  });

  conform('on(): an EventTarget yields [event] until break', async (m) => {
    const target = new EventTarget();
    const interval = setInterval(() => target.dispatchEvent(new Event('tick')), 0);
    let count = 0;
    for await (const [event] of m.on(target, 'tick')) {
      if ((event as Event).type === 'tick' && ++count >= 5) break;
    }
    clearInterval(interval);
    return count;
  });

  conform('on(): next() after return() stays done', async (m) => {
    const ee = new m.EventEmitter();
    const iterable = m.on(ee, 'foo');
    process.nextTick(() => {
      ee.emit('foo', 'bar');
      iterable.return();
    });
    return [await iterable.next(), await iterable.next(), await iterable.next()];
  });

  conform("once(ee, 'error') resolves with the error and leaves nothing", async (m) => {
    const ee = new m.EventEmitter();
    const boom = new Error('kaboom');
    process.nextTick(() => ee.emit('error', boom));
    const [error] = await m.once(ee, 'error');
    return [error === boom, ee.listenerCount('error')];
  });

  conform("once(): an 'error' then the event rejects once, leaving nothing", async (m) => {
    const ee = new m.EventEmitter();
    const boom = new Error('kaboom');
    process.nextTick(() => {
      ee.emit('error', boom);
      ee.emit('myevent', 42);
    });
    const outcome = await m.once(ee, 'myevent').then(
      () => 'resolved',
      (error: unknown) => error === boom,
    );
    return [outcome, ee.listenerCount('error'), ee.listenerCount('myevent')];
  });

  conform(
    "once() with a signal: one 'abort' listener while waiting, none once settled by the event or by 'error'",
    async (m) => {
      const counts: number[] = [];
      const ac = new AbortController();
      const ee = new m.EventEmitter();
      process.nextTick(() => ee.emit('foo'));
      const waiting = m.once(ee, 'foo', { signal: ac.signal });
      counts.push(m.getEventListeners(ac.signal, 'abort').length, ee.listenerCount('error'));
      await waiting;
      counts.push(m.getEventListeners(ac.signal, 'abort').length, ee.listenerCount('error'));
      const boom = new Error('boom');
      process.nextTick(() => ee.emit('error', boom));
      const failed = await m.once(ee, 'bar', { signal: ac.signal }).catch((error: unknown) => error === boom);
      counts.push(
        m.getEventListeners(ac.signal, 'abort').length,
        ee.listenerCount('error'),
        ee.listenerCount('bar'),
      );
      return [counts, failed];
    },
  );

  conform('on(): a listener removed by another during emit still runs in that emit, not the next', (m) => {
    const ee = new m.EventEmitter();
    const log: string[] = [];
    const second = () => log.push('second');
    ee.on('x', () => {
      log.push('first');
      ee.removeListener('x', second);
    });
    ee.on('x', second);
    ee.emit('x');
    ee.emit('x');
    return log;
  });

  it("deleting a method from the prototype leaves Node's, inherited (a documented difference)", () => {
    const P = leakproof.EventEmitter.prototype as unknown as Record<string, unknown>;
    const own = Object.getOwnPropertyDescriptor(P, 'prependListener')!;
    delete P.prependListener;
    try {
      const ee = new leakproof.EventEmitter();
      expect(ee.prependListener).toBe(nodeEvents.EventEmitter.prototype.prependListener);
    } finally {
      Object.defineProperty(P, 'prependListener', own);
    }
  });

  conform("every prototype method keeps its name (on and off are Node's aliases)", (m) => {
    const P = m.EventEmitter.prototype;
    const ours = new Set(['setListenerLimit', 'getListenerLimit', 'stats', 'scope']);
    return Object.getOwnPropertyNames(P)
      .filter((k) => k !== 'constructor' && !ours.has(k) && typeof P[k] === 'function')
      .map((k) => [k, P[k].name])
      .sort();
  });

  conform(
    'EventEmitterAsyncResource: init type, trigger id, before/after around emit, destroy',
    async (m) => {
      const log: unknown[] = [];
      const ids = new Set<number>();
      let manual = -1;
      const hook = createHook({
        init(id, type, trigger) {
          if (type === 'Foo' || type === 'ResourceName') {
            ids.add(id);
            log.push(['init', type, trigger === executionAsyncId()]);
          }
        },
        before(id) {
          if (ids.has(id)) log.push('before');
        },
        after(id) {
          if (ids.has(id)) log.push('after');
        },
        destroy(id) {
          // Only the resource destroyed by hand: the others are destroyed when the collector
          // takes them, at a moment that differs from run to run.
          if (id === manual) log.push('destroy');
        },
      }).enable();
      const Base = m.EventEmitterAsyncResource as new (options?: unknown) => Impl;
      class Foo extends Base {}
      const foo = new Foo();
      foo.on('someEvent', () => log.push('listener'));
      foo.emit('someEvent');
      log.push(
        foo.asyncResource.eventEmitter === foo,
        typeof foo.asyncId,
        foo.triggerAsyncId === executionAsyncId(),
      );
      manual = foo.asyncId;
      foo.emitDestroy();
      new Foo('ResourceName');
      new Foo({ name: 'ResourceName' });
      // destroy hooks run from a queue drained after the current turn: wait until it has.
      while (!log.includes('destroy')) await tick();
      hook.disable();
      return log;
    },
  );
});
