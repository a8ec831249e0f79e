// The same scenarios run against node:events and @leakproof/events; every observable
// result (listener order, return values, errors, warnings, events) must be identical.
import { executionAsyncId } from 'node:async_hooks';
import * as nodeEvents from 'node:events';
import util from 'node:util';
import * as leakproof from '@leakproof/events';
import { describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: scenarios drive both modules through the same untyped surface
type Impl = any;

const implementations: Record<'node' | 'leakproof', Impl> = { node: nodeEvents, leakproof };

function conform(name: string, scenario: (m: Impl) => unknown): void {
  it(name, async () => {
    const expected = await scenario(implementations.node);
    const actual = await scenario(implementations.leakproof);
    expect(actual).toEqual(expected);
  });
}

function caught(fn: () => unknown): unknown {
  try {
    const value = fn();
    return { returned: typeof value };
  } catch (error) {
    return describeError(error);
  }
}

function describeError(error: unknown): unknown {
  if (!(error instanceof Error)) return { thrown: error };
  const e = error as Error & { code?: unknown; cause?: unknown };
  return { name: e.name, code: e.code, message: e.message, cause: e.cause };
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { resolved: await promise };
  } catch (error) {
    return { rejected: describeError(error) };
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('conformance with node:events', () => {
  conform('calls listeners in order with the arguments and `this`, and emit returns whether any ran', (m) => {
    const e = new m.EventEmitter();
    const log: unknown[] = [];
    log.push(e.emit('a', 1));
    e.on('a', function (this: unknown, ...args: unknown[]) {
      log.push(['first', this === e, args]);
    });
    e.addListener('a', (...args: unknown[]) => log.push(['second', args]));
    log.push(e.emit('a', 1, 'two', { three: 3 }));
    log.push(e.listenerCount('a'), e.eventNames());
    return log;
  });

  conform('prependListener and prependOnceListener put listeners first', (m) => {
    const e = new m.EventEmitter();
    const log: string[] = [];
    e.on('x', () => log.push('on'));
    e.prependListener('x', () => log.push('prepend'));
    e.prependOnceListener('x', () => log.push('prependOnce'));
    e.once('x', () => log.push('once'));
    e.emit('x');
    e.emit('x');
    return log;
  });

  conform('once wrappers: listeners() unwraps, rawListeners() does not, off(original) removes', (m) => {
    const e = new m.EventEmitter();
    const f = () => {};
    e.once('x', f);
    const raw = e.rawListeners('x');
    const result = [e.listeners('x')[0] === f, raw[0] === f, raw[0].listener === f, typeof raw[0]];
    e.off('x', f);
    result.push(e.listenerCount('x'));
    e.once('y', f);
    e.rawListeners('y')[0]();
    result.push(e.listenerCount('y'));
    return result;
  });

  conform("'newListener' fires before the add, 'removeListener' after the removal", (m) => {
    const e = new m.EventEmitter();
    const log: unknown[] = [];
    const a = () => log.push('a');
    const b = () => log.push('b');
    e.on('newListener', (event: string, listener: unknown) => {
      log.push(['new', event, listener === a ? 'a' : listener === b ? 'b' : 'other', e.listenerCount(event)]);
      if (event === 'x' && listener === a) e.on('x', b);
    });
    e.on('removeListener', (event: string, listener: unknown) => {
      log.push([
        'removed',
        event,
        listener === a ? 'a' : listener === b ? 'b' : 'other',
        e.listenerCount(event),
      ]);
    });
    e.on('x', a);
    e.emit('x');
    e.once('y', a);
    e.emit('y');
    e.removeListener('x', a);
    e.removeListener('x', a);
    return log;
  });

  conform('removing a listener during emit does not affect the running emit', (m) => {
    const e = new m.EventEmitter();
    const log: string[] = [];
    const b = () => log.push('b');
    e.on('x', () => {
      log.push('a');
      e.off('x', b);
    });
    e.on('x', b);
    e.emit('x');
    e.emit('x');
    return log;
  });

  conform('removeListener removes the newest match only', (m) => {
    const e = new m.EventEmitter();
    const log: number[] = [];
    const f = () => log.push(1);
    e.on('x', f);
    e.on('x', () => log.push(2));
    e.on('x', f);
    e.removeListener('x', f);
    e.emit('x');
    return [log, e.listenerCount('x')];
  });

  conform('removeAllListeners(type) and removeAllListeners() report removals newest first', (m) => {
    const e = new m.EventEmitter();
    const log: unknown[] = [];
    const names = new Map<unknown, string>();
    const make = (n: string) => {
      const f = () => {};
      names.set(f, n);
      return f;
    };
    e.on('removeListener', (event: string, listener: unknown) =>
      log.push([event, names.get(listener) ?? 'rl']),
    );
    e.on('x', make('x1'));
    e.once('x', make('x2'));
    e.on('y', make('y1'));
    e.removeAllListeners('x');
    log.push(e.eventNames());
    e.on('x', make('x3'));
    e.removeAllListeners();
    log.push(e.eventNames(), e.removeAllListeners('none') === e);
    return log;
  });

  conform("'error' without a listener throws the error; non-errors become ERR_UNHANDLED_ERROR", (m) => {
    const e = new m.EventEmitter();
    const err = new Error('boom');
    const log: unknown[] = [];
    try {
      e.emit('error', err);
    } catch (thrown) {
      log.push(thrown === err);
    }
    log.push(caught(() => e.emit('error', 'text')));
    log.push(caught(() => e.emit('error')));
    e.on('error', (x: unknown) => log.push(['handled', x === err]));
    log.push(e.emit('error', err));
    return log;
  });

  conform('errorMonitor sees errors before handlers and does not handle them', (m) => {
    const e = new m.EventEmitter();
    const log: unknown[] = [];
    e.on(m.errorMonitor, (x: Error) => log.push(['monitor', x.message]));
    log.push(caught(() => e.emit('error', new Error('one'))));
    e.on('error', (x: Error) => log.push(['handler', x.message]));
    e.emit('error', new Error('two'));
    log.push(e.listenerCount(m.errorMonitor), m.errorMonitor === nodeEvents.errorMonitor);
    return log;
  });

  conform('captureRejections routes listener rejections to error and to the rejection symbol', async (m) => {
    const log: unknown[] = [];
    const e = new m.EventEmitter({ captureRejections: true });
    e.on('x', async () => {
      throw new Error('async boom');
    });
    e.on('error', (err: Error) => log.push(['error', err.message]));
    e.emit('x');
    await tick();
    const f = new m.EventEmitter({ captureRejections: true });
    f[m.captureRejectionSymbol] = (err: Error, event: string, ...args: unknown[]) =>
      log.push(['symbol', err.message, event, args]);
    f.on('y', async () => {
      throw new Error('sym boom');
    });
    f.emit('y', 1, 2);
    await tick();
    log.push(caught(() => new m.EventEmitter({ captureRejections: 'yes' })));
    log.push(m.captureRejectionSymbol === Symbol.for('nodejs.rejection'));
    return log;
  });

  conform('EventEmitter.captureRejections = true applies to new emitters', async (m) => {
    const log: unknown[] = [];
    m.EventEmitter.captureRejections = true;
    try {
      const e = new m.EventEmitter();
      e.on('x', async () => {
        throw new Error('late');
      });
      e.on('error', (err: Error) => log.push(err.message));
      e.emit('x');
      await tick();
    } finally {
      m.EventEmitter.captureRejections = false;
    }
    return log;
  });

  conform('MaxListenersExceededWarning is emitted once per event with its fields', async (m) => {
    const warnings: unknown[] = [];
    const e = new m.EventEmitter();
    const onWarning = (w: Error & { emitter?: unknown; type?: unknown; count?: unknown }) => {
      if (w.name === 'MaxListenersExceededWarning') {
        warnings.push([w.name, w.message, w.emitter === e, w.type, w.count]);
      }
    };
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 12; i++) e.on('leaky', () => {});
      e.setMaxListeners(1);
      e.on('other', () => {});
      e.on('other', () => {});
      const quiet = new m.EventEmitter();
      quiet.setMaxListeners(0);
      for (let i = 0; i < 20; i++) quiet.on('x', () => {});
      await tick();
      await tick();
    } finally {
      process.off('warning', onWarning);
    }
    return [warnings, e.getMaxListeners()];
  });

  conform('setMaxListeners/getMaxListeners and defaultMaxListeners validate as Node does', (m) => {
    const e = new m.EventEmitter();
    return [
      e.getMaxListeners(),
      e.setMaxListeners(3) === e,
      e.getMaxListeners(),
      caught(() => e.setMaxListeners(-1)),
      caught(() => e.setMaxListeners('x')),
      m.EventEmitter.defaultMaxListeners,
      m.defaultMaxListeners,
      caught(() => {
        m.EventEmitter.defaultMaxListeners = -1;
      }),
    ];
  });

  conform('defaultMaxListeners is shared process-wide', (m) => {
    const before = m.EventEmitter.defaultMaxListeners;
    m.EventEmitter.defaultMaxListeners = 4;
    try {
      return [new m.EventEmitter().getMaxListeners(), nodeEvents.EventEmitter.defaultMaxListeners];
    } finally {
      m.EventEmitter.defaultMaxListeners = before;
    }
  });

  conform('a listener that is not a function throws ERR_INVALID_ARG_TYPE from every add method', (m) => {
    const e = new m.EventEmitter();
    return [
      'on',
      'addListener',
      'once',
      'prependListener',
      'prependOnceListener',
      'off',
      'removeListener',
    ].map((method) => caught(() => e[method]('x', 'nope')));
  });

  conform('extra arguments to the add methods are ignored', (m) => {
    const e = new m.EventEmitter();
    const f = () => {};
    e.on('x', f, 'context');
    e.once('x', f, true);
    e.prependListener('x', f, 1);
    e.addListener('x', f, null);
    return [e.listenerCount('x'), e.listeners('x').every((l: unknown) => l === f)];
  });

  conform('method identity and the prototype surface', (m) => {
    const P = m.EventEmitter.prototype;
    const added = new Set(['constructor', 'setListenerLimit', 'getListenerLimit', 'stats', 'scope']);
    return [
      P.on === P.addListener,
      P.off === P.removeListener,
      typeof P.emit,
      Object.keys(P)
        .filter((k) => typeof P[k] === 'function' && !added.has(k))
        .sort(),
      Object.getOwnPropertyNames(P)
        .filter((k) => !added.has(k))
        .sort(),
      P.constructor === m.EventEmitter,
      m.EventEmitter.name,
      m.EventEmitter.length,
      m.EventEmitter.EventEmitter === m.EventEmitter,
      m.default === m.EventEmitter,
    ];
  });

  it('emit is node:events’ own function: no work on the emit path', () => {
    expect(leakproof.EventEmitter.prototype.emit).toBe(nodeEvents.EventEmitter.prototype.emit);
  });

  conform('every static of node:events is there with the same type', (m) => {
    const names = Object.getOwnPropertyNames(nodeEvents.EventEmitter).filter(
      (k) => !['length', 'name', 'prototype', 'arguments', 'caller'].includes(k),
    );
    return names.map((k) => [k, typeof m.EventEmitter[k]]);
  });

  conform('every named ESM export of node:events is there with the same type', (m) => {
    return Object.keys(nodeEvents).map((k) => [k, typeof m[k]]);
  });

  conform('util.inherits + EventEmitter.call(this) subclasses work', (m) => {
    function Legacy(this: Impl, name: string) {
      m.EventEmitter.call(this);
      this.name = name;
    }
    util.inherits(Legacy, m.EventEmitter);
    Legacy.prototype.greet = function (this: Impl) {
      this.emit('greet', this.name);
    };
    const l = new (Legacy as Impl)('ada');
    const log: unknown[] = [];
    l.on('greet', (n: string) => log.push(n));
    l.greet();
    log.push(l instanceof m.EventEmitter, l instanceof nodeEvents.EventEmitter, Object.keys(l).sort());
    log.push(util.inspect(l));
    return log;
  });

  conform('class extends works, with options and subclass methods', (m) => {
    class Store extends m.EventEmitter {
      items: string[] = [];
      constructor(options?: object) {
        super(options);
      }
      add(item: string) {
        this.items.push(item);
        this.emit('added', item);
        return this;
      }
    }
    const s = new Store({ captureRejections: false });
    const log: unknown[] = [];
    s.on('added', (i: string) => log.push(i));
    s.add('a').add('b');
    log.push(s instanceof m.EventEmitter, Object.keys(s).sort(), util.inspect(new m.EventEmitter()));
    return log;
  });

  conform('mixing the prototype into a plain object works', (m) => {
    const obj = Object.assign(Object.create(null), m.EventEmitter.prototype);
    m.EventEmitter.init.call(obj);
    const log: unknown[] = [];
    obj.on('x', (v: number) => log.push(v));
    obj.emit('x', 7);
    const created = Object.create(m.EventEmitter.prototype);
    created.on('y', (v: number) => log.push(v));
    created.emit('y', 8);
    return log;
  });

  conform('eventNames includes symbols in insertion order; listenerCount filters by listener', (m) => {
    const e = new m.EventEmitter();
    const s = Symbol('s');
    const f = () => {};
    e.on('b', f);
    e.on(s, f);
    e.on('a', () => {});
    e.on('b', () => {});
    e.on('b', f);
    return [
      e.eventNames().map(String),
      e.listenerCount('b'),
      e.listenerCount('b', f),
      e.listenerCount('zzz'),
    ];
  });

  conform('static helpers: getEventListeners, setMaxListeners, listenerCount, addAbortListener', (m) => {
    const e = new m.EventEmitter();
    const f = () => {};
    e.on('x', f);
    const target = new EventTarget();
    target.addEventListener('t', f);
    m.setMaxListeners(5, e, target);
    const ac = new AbortController();
    const log: unknown[] = [];
    const disposable = m.addAbortListener(ac.signal, () => log.push('aborted'));
    ac.abort();
    return [
      m.getEventListeners(e, 'x')[0] === f,
      m.getEventListeners(target, 't')[0] === f,
      m.getMaxListeners(e),
      m.getMaxListeners(target),
      m.listenerCount(e, 'x'),
      m.EventEmitter.listenerCount(e, 'x'),
      typeof disposable[Symbol.dispose],
      log,
    ];
  });

  conform('once() resolves with the arguments and removes its listeners', async (m) => {
    const e = new m.EventEmitter();
    const p = m.once(e, 'ready');
    const during = [e.listenerCount('ready'), e.listenerCount('error')];
    e.emit('ready', 1, 2);
    return [during, await settle(p), e.listenerCount('ready'), e.listenerCount('error')];
  });

  conform("once() rejects on 'error' and removes its listeners", async (m) => {
    const e = new m.EventEmitter();
    const p = m.once(e, 'ready');
    e.emit('error', new Error('failed'));
    return [await settle(p), e.listenerCount('ready'), e.listenerCount('error')];
  });

  conform("once(emitter, 'error') resolves with the error", async (m) => {
    const e = new m.EventEmitter();
    const p = m.once(e, 'error');
    e.emit('error', new Error('as value'));
    const result = (await p) as Error[];
    return [result[0]?.message, e.listenerCount('error')];
  });

  conform('once() rejects with AbortError on abort and leaves nothing behind', async (m) => {
    const e = new m.EventEmitter();
    const ac = new AbortController();
    const p = m.once(e, 'ready', { signal: ac.signal });
    ac.abort('why');
    const aborted = await settle(p);
    const pre = await settle(m.once(e, 'ready', { signal: AbortSignal.abort('early') }));
    return [aborted, pre, e.listenerCount('ready'), e.listenerCount('error')];
  });

  conform('once() works on an EventTarget', async (m) => {
    const target = new EventTarget();
    const p = m.once(target, 'ping');
    target.dispatchEvent(new Event('ping'));
    const [event] = (await p) as Event[];
    return [event?.type, m.getEventListeners(target, 'ping').length];
  });

  conform('on() iterates events, throws on error, and removes its listeners', async (m) => {
    const e = new m.EventEmitter();
    const seen: unknown[] = [];
    const iterator = m.on(e, 'data');
    const during = [e.listenerCount('data'), e.listenerCount('error')];
    e.emit('data', 1);
    e.emit('data', 2, 3);
    queueMicrotask(() => e.emit('error', new Error('stream broke')));
    try {
      for await (const args of iterator) seen.push(args);
    } catch (error) {
      seen.push(describeError(error));
    }
    return [during, seen, e.listenerCount('data'), e.listenerCount('error')];
  });

  conform('on() ends on break and on abort, leaving nothing behind', async (m) => {
    const e = new m.EventEmitter();
    const seen: unknown[] = [];
    setImmediate(() => e.emit('data', 'a'));
    for await (const args of m.on(e, 'data')) {
      seen.push(args);
      break;
    }
    seen.push(e.listenerCount('data'), e.listenerCount('error'));
    const ac = new AbortController();
    setImmediate(() => ac.abort());
    try {
      for await (const args of m.on(e, 'data', { signal: ac.signal })) seen.push(args);
    } catch (error) {
      seen.push(describeError(error));
    }
    seen.push(e.listenerCount('data'), e.listenerCount('error'));
    seen.push(caught(() => m.on(e, 'data', { signal: AbortSignal.abort() })));
    return seen;
  });

  conform('on() ends when a close event fires', async (m) => {
    const e = new m.EventEmitter();
    const seen: unknown[] = [];
    setImmediate(() => {
      e.emit('data', 1);
      e.emit('end');
    });
    for await (const args of m.on(e, 'data', { close: ['end'] })) seen.push(args);
    seen.push(e.listenerCount('data'), e.listenerCount('end'));
    return seen;
  });

  conform('EventEmitterAsyncResource runs listeners in its async context', async (m) => {
    class Job extends m.EventEmitterAsyncResource {}
    const job = new Job();
    const log: unknown[] = [];
    job.on('run', () => log.push(executionAsyncId() === job.asyncId));
    await Promise.resolve();
    job.emit('run');
    log.push(
      typeof job.triggerAsyncId,
      job.asyncResource.eventEmitter === job,
      job instanceof m.EventEmitter,
    );
    // Validation messages are in leakproof's voice; the error type and code are Node's.
    const invalid = caught(() => new m.EventEmitterAsyncResource()) as { name: string; code: string };
    log.push([invalid.name, invalid.code]);
    const named = new m.EventEmitterAsyncResource({ name: 'Q' });
    named.emitDestroy();
    log.push(typeof named.asyncId);
    return log;
  });
});
