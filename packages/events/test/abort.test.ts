// Every signal-taking API of the package, through the workspace's abort contract (aborted
// before, during, after settle, and behind a stopImmediatePropagation() listener), plus the
// two that take a signal without returning a promise: add with { signal } and scopes.
import { getEventListeners } from 'node:events';
import { createScope, EventEmitter, on, once } from '@leakproof/events';
import { describe, expect, it } from 'vitest';
import { describeAbortContract } from '../../../test/helpers/abort-contract.js';

const held = (e: EventEmitter) => e.stats().listeners;

describeAbortContract('once(emitter, event, { signal })', {
  setup: () => new EventEmitter(),
  start: (e, signal) => once(e, 'ready', { signal, timeoutMs: 60_000 }),
  release: (e) => {
    e.emit('ready', 1);
  },
  pending: held,
  teardown: (e) => {
    e.removeAllListeners();
  },
});

describeAbortContract('once(eventTarget, event, { signal })', {
  setup: () => new EventTarget(),
  start: (t, signal) => once(t, 'ready', { signal }),
  release: (t) => {
    t.dispatchEvent(new Event('ready'));
  },
  pending: (t) => getEventListeners(t, 'ready').length,
  teardown: () => {},
});

describeAbortContract('on(emitter, event, { signal }): the first value, then break', {
  setup: () => new EventEmitter(),
  start: async (e, signal) => {
    for await (const value of on(e, 'data', { signal })) return value;
    return undefined;
  },
  release: (e) => {
    e.emit('data', 1);
  },
  pending: held,
  teardown: (e) => {
    e.removeAllListeners();
  },
});

describe('a stopImmediatePropagation() listener ahead of ours on the signal', () => {
  const stopped = () => {
    const ac = new AbortController();
    const stopper = (event: Event) => event.stopImmediatePropagation();
    ac.signal.addEventListener('abort', stopper);
    return { ac, stopper };
  };

  it('ee.on(event, fn, { signal }) still removes the listener and leaves only the stopper', () => {
    const { ac, stopper } = stopped();
    const e = new EventEmitter();
    e.on('x', () => {}, { signal: ac.signal });
    e.once('y', () => {}, { signal: ac.signal });
    ac.abort();
    expect(held(e)).toBe(0);
    expect(e.stats().signalBound).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toEqual([stopper]);
  });

  it('createScope({ signal }) and a child with its own signal are still disposed', () => {
    const { ac, stopper } = stopped();
    const e = new EventEmitter();
    const scope = createScope({ signal: ac.signal });
    scope.on(e, 'x', () => {});
    const child = createScope().child({ signal: ac.signal });
    child.on(e, 'y', () => {});
    ac.abort();
    expect(scope.disposed).toBe(true);
    expect(child.disposed).toBe(true);
    expect(held(e)).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toEqual([stopper]);
  });

  it('on(ee, x, { signal }) ends its iteration with AbortError and removes its listeners', async () => {
    const { ac } = stopped();
    const e = new EventEmitter();
    const iterator = on(e, 'data', { signal: ac.signal });
    const next = iterator.next();
    ac.abort('stop');
    await expect(next).rejects.toMatchObject({ code: 'ABORT_ERR', cause: 'stop' });
    expect(held(e)).toBe(0);
  });
});

describe('scopes and their signals', () => {
  it('a child born of an already-aborted signal is disposed and never joins its parent', () => {
    const parent = createScope();
    for (let i = 0; i < 1000; i++) {
      const child = parent.child({ signal: AbortSignal.abort() });
      expect(child.disposed).toBe(true);
    }
    expect(parent.stats().children).toBe(0);
    const e = new EventEmitter();
    const emitterScope = e.scope();
    emitterScope.child({ signal: AbortSignal.abort() });
    expect(emitterScope.stats().children).toBe(0);
  });

  it('a disposed scope leaves no listener on its signal', () => {
    const ac = new AbortController();
    const scope = createScope({ signal: ac.signal });
    scope.dispose();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
