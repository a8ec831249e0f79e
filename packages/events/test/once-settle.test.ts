// once() leaves nothing behind however it settles, including when the awaited event fires
// while once() is still adding its listeners.
import { getEventListeners } from 'node:events';
import { EventEmitter, once } from '@leakproof/events';
import { describe, expect, it } from 'vitest';

describe('once() settling while it adds its listeners', () => {
  it("the event fired from a 'newListener' handler leaves no 'error' listener, abort listener or timer", async () => {
    const e = new EventEmitter();
    e.on('newListener', (name) => {
      if (name === 'error') e.emit('ready', 'early');
    });
    const ac = new AbortController();
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await expect(once(e, 'ready', { signal: ac.signal, timeoutMs: 60_000 })).resolves.toEqual(['early']);
    expect(e.listenerCount('error')).toBe(0);
    expect(e.listenerCount('ready')).toBe(0);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBe(timersBefore);
    // The next real 'error' is not swallowed by a leftover listener.
    expect(() => e.emit('error', new Error('real'))).toThrow('real');
  });

  it('an emitter whose once() calls the listener at once leaves nothing either', async () => {
    const added: string[] = [];
    const removed: string[] = [];
    const eager = {
      on(name: string) {
        added.push(name);
      },
      once(name: string, listener: (...args: unknown[]) => void) {
        added.push(name);
        if (name === 'ready') listener('now');
      },
      removeListener(name: string) {
        removed.push(name);
      },
    };
    const ac = new AbortController();
    await expect(once(eager, 'ready', { signal: ac.signal, timeoutMs: 60_000 })).resolves.toEqual(['now']);
    expect(added).toEqual(['ready']);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});

describe('once() with a stopImmediatePropagation() listener ahead of it on the signal', () => {
  it('still rejects with AbortError and leaves nothing on the signal', async () => {
    const e = new EventEmitter();
    const ac = new AbortController();
    const stopper = (event: Event) => event.stopImmediatePropagation();
    ac.signal.addEventListener('abort', stopper);
    const p = once(e, 'ready', { signal: ac.signal });
    ac.abort('why');
    await expect(p).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: 'why' });
    expect(getEventListeners(ac.signal, 'abort')).toEqual([stopper]);
    expect(e.listenerCount('ready') + e.listenerCount('error')).toBe(0);
  });
});
