import { BoundedMap, type LoadContext } from '@leakproof/cache';
import { describe, expect, it } from 'vitest';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('getOrLoad', () => {
  it('loads a miss once for concurrent callers and stores the value', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    const d = deferred<number>();
    let calls = 0;
    const loader = () => {
      calls++;
      return d.promise;
    };
    const a = map.getOrLoad('k', loader);
    const b = map.getOrLoad('k', loader);
    expect(map.stats().inflight).toBe(1);
    d.resolve(7);
    expect(await a).toBe(7);
    expect(await b).toBe(7);
    expect(calls).toBe(1);
    expect(map.get('k')).toBe(7);
    expect(await map.getOrLoad('k', loader)).toBe(7);
    expect(calls).toBe(1);
    expect(map.stats()).toMatchObject({ loads: 1, inflight: 0, misses: 2, hits: 2 });
  });

  it('passes the key and a signal, stores undefined, accepts sync loaders', async () => {
    const map = new BoundedMap<string, string | undefined>({ max: 10 });
    let context: LoadContext | undefined;
    expect(
      await map.getOrLoad('key', (key, ctx) => {
        context = ctx;
        return key === 'key' ? undefined : 'no';
      }),
    ).toBeUndefined();
    expect(context?.signal).toBeInstanceOf(AbortSignal);
    expect(map.has('key')).toBe(true);
  });

  it('a rejected or throwing load is not stored and leaves nothing in flight', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    await expect(map.getOrLoad('a', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(
      map.getOrLoad('b', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(map.has('a')).toBe(false);
    expect(map.stats()).toMatchObject({ inflight: 0, loadErrors: 2, size: 0 });
    expect(await map.getOrLoad('a', () => 1)).toBe(1);
  });

  it("one caller's abort rejects only that caller", async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    const d = deferred<number>();
    let loadSignal: AbortSignal | undefined;
    const loader = (_k: string, { signal }: LoadContext) => {
      loadSignal = signal;
      return d.promise;
    };
    const controller = new AbortController();
    const leaving = map.getOrLoad('k', loader, { signal: controller.signal });
    const staying = map.getOrLoad('k', loader);
    controller.abort(new Error('client went away'));
    await expect(leaving).rejects.toMatchObject({ name: 'AbortError', code: 'ABORT_ERR' });
    expect(loadSignal?.aborted).toBe(false);
    d.resolve(3);
    expect(await staying).toBe(3);
    expect(map.get('k')).toBe(3);
  });

  it('the load is aborted once every waiting caller has gone; nothing stays in flight', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    let loadSignal: AbortSignal | undefined;
    const d = deferred<number>();
    const loader = (_k: string, { signal }: LoadContext) => {
      loadSignal = signal;
      return d.promise;
    };
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = map.getOrLoad('k', loader, { signal: c1.signal });
    const p2 = map.getOrLoad('k', loader, { signal: c2.signal });
    c1.abort();
    expect(loadSignal?.aborted).toBe(false);
    c2.abort();
    expect(loadSignal?.aborted).toBe(true);
    await expect(p1).rejects.toMatchObject({ name: 'AbortError' });
    await expect(p2).rejects.toMatchObject({ name: 'AbortError' });
    expect(map.stats().inflight).toBe(0);
    d.resolve(1); // a load that ignores its signal is not stored
    await Promise.resolve();
    await Promise.resolve();
    expect(map.has('k')).toBe(false);
    // A new caller starts a new load.
    expect(await map.getOrLoad('k', () => 2)).toBe(2);
  });

  it('an already-aborted signal rejects at once without loading', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    let calls = 0;
    await expect(map.getOrLoad('k', () => ++calls, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(calls).toBe(0);
    expect(map.stats().inflight).toBe(0);
  });

  it('removes its abort listener from the caller signal once settled', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    const controller = new AbortController();
    let added = 0;
    let removed = 0;
    const { signal } = controller;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<typeof add>) => {
      added++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      removed++;
      remove(...args);
    };
    await map.getOrLoad('k', async () => 1, { signal });
    await expect(map.getOrLoad('e', async () => Promise.reject(new Error('x')), { signal })).rejects.toThrow(
      'x',
    );
    expect(added).toBe(2);
    expect(removed).toBe(2);
  });

  it('a delete or set during the load wins: the loaded value is returned but not stored', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    const d1 = deferred<number>();
    const p1 = map.getOrLoad('a', () => d1.promise);
    map.delete('a');
    d1.resolve(1);
    expect(await p1).toBe(1);
    expect(map.has('a')).toBe(false);

    const d2 = deferred<number>();
    const p2 = map.getOrLoad('b', () => d2.promise);
    map.set('b', 99);
    d2.resolve(2);
    expect(await p2).toBe(2);
    expect(map.get('b')).toBe(99);
  });

  it('applies ttl to the loaded entry', async () => {
    const clock = { time: 0, now: () => clock.time };
    const map = new BoundedMap<string, number>({ max: 10, clock });
    await map.getOrLoad('k', () => 1, { ttl: 10 });
    clock.time = 11;
    expect(map.has('k')).toBe(false);
  });

  it('dispose rejects waiters with ERR_DISPOSED and aborts the load', async () => {
    const map = new BoundedMap<string, number>({ max: 10 });
    let loadSignal: AbortSignal | undefined;
    const p = map.getOrLoad('k', (_k, { signal }) => {
      loadSignal = signal;
      return new Promise<number>(() => {});
    });
    map.dispose();
    await expect(p).rejects.toMatchObject({ code: 'ERR_DISPOSED' });
    expect(loadSignal?.aborted).toBe(true);
    expect(() => map.getOrLoad('k', () => 1)).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }));
  });
});
