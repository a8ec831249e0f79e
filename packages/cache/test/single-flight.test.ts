import { getEventListeners } from 'node:events';
import { setImmediate as drain } from 'node:timers/promises';
import { BoundedMap, memoize, SingleFlight } from '@leakproof/cache';
import fc from 'fast-check';
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

describe('SingleFlight', () => {
  it('loads once per key; a write during the load wins; the next caller starts afresh', async () => {
    const flights = new SingleFlight<string, number>();
    const store = new Map<string, number>();
    const first = deferred<number>();
    let starts = 0;
    const load = (d: { promise: Promise<number> }) => (ticket: { readonly current: boolean }) => {
      starts++;
      return d.promise.then((value) => {
        if (ticket.current) store.set('k', value);
        return value;
      });
    };
    const a = flights.run('k', load(first));
    const b = flights.run('k', load(first));
    expect(starts).toBe(1);
    expect(flights.size).toBe(1);
    flights.invalidate('k'); // a write of k while it loads
    expect(flights.has('k')).toBe(false);
    const second = deferred<number>();
    const c = flights.run('k', load(second));
    expect(starts).toBe(2);
    first.resolve(1);
    expect(await a).toBe(1);
    expect(await b).toBe(1);
    expect(store.has('k')).toBe(false); // the stale load did not store
    second.resolve(2);
    expect(await c).toBe(2);
    expect(store.get('k')).toBe(2);
    expect(flights.size).toBe(0);
  });

  it('each caller aborts alone; the load is abandoned (its signal aborts) when every caller has gone', async () => {
    const flights = new SingleFlight<string, number>();
    let loadSignal: AbortSignal | undefined;
    const d = deferred<number>();
    const one = new AbortController();
    const two = new AbortController();
    const a = flights.run(
      'k',
      ({ signal }) => {
        loadSignal = signal;
        return d.promise;
      },
      one.signal,
    );
    const b = flights.run('k', () => d.promise, two.signal);
    one.abort(new Error('first gone'));
    await expect(a).rejects.toMatchObject({ code: 'ABORT_ERR', cause: new Error('first gone') });
    expect(loadSignal?.aborted).toBe(false);
    two.abort();
    await expect(b).rejects.toMatchObject({ code: 'ABORT_ERR' });
    expect(loadSignal?.aborted).toBe(true);
    expect(flights.size).toBe(0);
    expect(flights.has('k')).toBe(false);
    d.resolve(5); // too late: nobody receives it
    await drain();
    expect(getEventListeners(one.signal, 'abort')).toHaveLength(0);
    expect(getEventListeners(two.signal, 'abort')).toHaveLength(0);
  });

  it('a rejected load leaves nothing: no flight, no ticket', async () => {
    const flights = new SingleFlight<string, number>();
    await expect(flights.run('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(
      flights.run('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(flights.size).toBe(0);
    expect(flights.has('k')).toBe(false);
    // No read is tracked any more: invalidating is free.
    flights.invalidate('k');
  });

  it('read tickets outside a load: a write or invalidateAll makes them stale', () => {
    const flights = new SingleFlight<string, number>();
    const a = flights.track('a');
    const b = flights.track('b');
    expect(a.current && b.current).toBe(true);
    flights.invalidate('a');
    expect(a.current).toBe(false);
    expect(b.current).toBe(true);
    const c = flights.track('c');
    flights.invalidateAll();
    expect(b.current).toBe(false);
    expect(c.current).toBe(false);
    expect(flights.track('c').current).toBe(true); // a read begun after the invalidation
    a.release();
    a.release(); // idempotent
    expect(a.current).toBe(false);
  });

  it('abortAll rejects every caller with the reason and aborts the loads', async () => {
    const flights = new SingleFlight<string, number>();
    let signal: AbortSignal | undefined;
    const p = flights.run('k', (ticket) => {
      signal = ticket.signal;
      return new Promise<number>(() => {});
    });
    const reason = new Error('closed');
    flights.abortAll(reason);
    await expect(p).rejects.toBe(reason);
    expect(signal?.aborted).toBe(true);
    expect(flights.size).toBe(0);
  });
});

describe('memoize counts its calls in flight (a hung function is visible in stats)', () => {
  it('reports every pending call as inflight until it settles', async () => {
    const pending: Array<(v: number) => void> = [];
    const slow = memoize(
      (n: number) =>
        new Promise<number>((resolve) => {
          pending.push(() => resolve(n));
        }),
      { max: 10 },
    );
    const calls = Array.from({ length: 50 }, (_, i) => slow(i));
    expect(slow.cache.stats()).toMatchObject({ inflight: 50, size: 0, loads: 50 });
    expect(slow(3)).toBe(calls[3]); // joins the call in flight
    for (const resolve of pending) resolve(0);
    await Promise.all(calls);
    expect(slow.cache.stats()).toMatchObject({ inflight: 0, size: 10 });
  });
});

// getOrLoad / abort / set / delete / settle, interleaved at random, against a model of the
// single-flight rules. Invariant: an aborted caller never receives a value.
type Cmd =
  | { kind: 'call'; key: number; withSignal: boolean }
  | { kind: 'abort'; caller: number }
  | { kind: 'resolve'; load: number; value: number }
  | { kind: 'reject'; load: number }
  | { kind: 'set'; key: number; value: number }
  | { kind: 'delete'; key: number };

interface ModelLoad {
  key: number;
  d: ReturnType<typeof deferred<number>>;
  callers: number[];
  settled: boolean;
  abandoned: boolean;
  stale: boolean;
}
interface ModelCaller {
  load: number | undefined; // undefined: answered from the cache
  expected: number | undefined;
  controller: AbortController | undefined;
  aborted: boolean;
  outcome: { value?: number; error?: unknown } | undefined;
}

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({
    kind: fc.constant('call' as const),
    key: fc.integer({ min: 0, max: 2 }),
    withSignal: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('abort' as const), caller: fc.nat(12) }),
  fc.record({
    kind: fc.constant('resolve' as const),
    load: fc.nat(6),
    value: fc.integer({ min: 100, max: 999 }),
  }),
  fc.record({ kind: fc.constant('reject' as const), load: fc.nat(6) }),
  fc.record({
    kind: fc.constant('set' as const),
    key: fc.integer({ min: 0, max: 2 }),
    value: fc.integer({ min: 0, max: 99 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 2 }) }),
);

describe('getOrLoad against a model of single flight (fast-check interleavings)', () => {
  it('an aborted caller never receives a value; a write during a load wins; nothing is left in flight', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { maxLength: 40 }), async (cmds) => {
        const map = new BoundedMap<number, number>({ max: 100 });
        const cache = new Map<number, number>();
        const loads: ModelLoad[] = [];
        const callers: ModelCaller[] = [];
        const current = new Map<number, number>(); // key → index of the load new callers join
        for (const c of cmds) {
          switch (c.kind) {
            case 'call': {
              const controller = c.withSignal ? new AbortController() : undefined;
              const caller: ModelCaller = {
                load: undefined,
                expected: cache.get(c.key),
                controller,
                aborted: false,
                outcome: undefined,
              };
              if (!cache.has(c.key)) {
                let index = current.get(c.key);
                if (index === undefined) {
                  index = loads.length;
                  loads.push({
                    key: c.key,
                    d: deferred<number>(),
                    callers: [],
                    settled: false,
                    abandoned: false,
                    stale: false,
                  });
                  current.set(c.key, index);
                }
                caller.load = index;
                loads[index]!.callers.push(callers.length);
              }
              const load = caller.load === undefined ? undefined : loads[caller.load]!;
              map
                .getOrLoad(
                  c.key,
                  () => load!.d.promise,
                  controller === undefined ? undefined : { signal: controller.signal },
                )
                .then(
                  (value) => {
                    caller.outcome = { value };
                  },
                  (error: unknown) => {
                    caller.outcome = { error };
                  },
                );
              callers.push(caller);
              break;
            }
            case 'abort': {
              const caller = callers[c.caller];
              if (caller?.controller === undefined || caller.aborted || caller.outcome !== undefined) break;
              const load = caller.load === undefined ? undefined : loads[caller.load];
              if (load === undefined || load.settled) break;
              caller.aborted = true;
              caller.controller.abort();
              if (load.callers.every((i) => callers[i]!.aborted)) {
                load.abandoned = true;
                if (current.get(load.key) === caller.load) current.delete(load.key);
              }
              break;
            }
            case 'resolve':
            case 'reject': {
              const load = loads[c.load];
              if (load === undefined || load.settled) break;
              load.settled = true;
              const index = loads.indexOf(load);
              if (current.get(load.key) === index) current.delete(load.key);
              if (c.kind === 'resolve') {
                if (!load.abandoned && !load.stale) cache.set(load.key, c.value);
                for (const i of load.callers) if (!callers[i]!.aborted) callers[i]!.expected = c.value;
                load.d.resolve(c.value);
              } else load.d.reject(new Error('load failed'));
              break;
            }
            case 'set':
            case 'delete': {
              if (c.kind === 'set') {
                cache.set(c.key, c.value);
                map.set(c.key, c.value);
              } else {
                cache.delete(c.key);
                map.delete(c.key);
              }
              const index = current.get(c.key);
              if (index !== undefined) {
                loads[index]!.stale = true;
                current.delete(c.key);
              }
              break;
            }
          }
          await drain();
          for (let key = 0; key <= 2; key++) expect(map.peek(key)).toBe(cache.get(key));
          expect(map.stats().inflight).toBe(loads.filter((l) => !l.settled && !l.abandoned).length);
          for (const caller of callers) {
            if (caller.outcome === undefined) continue;
            if (caller.aborted) {
              // The invariant: an aborted caller never receives a value.
              expect(caller.outcome.error).toMatchObject({ code: 'ABORT_ERR' });
            } else if ('value' in caller.outcome) expect(caller.outcome.value).toBe(caller.expected);
            else expect(caller.outcome.error).toMatchObject({ message: 'load failed' });
          }
        }
        // Settle whatever is left: nothing stays in flight, no listener stays on a signal.
        for (const load of loads) if (!load.settled) load.d.reject(new Error('load failed'));
        await drain();
        expect(map.stats().inflight).toBe(0);
        for (const caller of callers) {
          expect(caller.outcome).toBeDefined();
          if (caller.controller !== undefined)
            expect(getEventListeners(caller.controller.signal, 'abort')).toHaveLength(0);
        }
        map.dispose();
      }),
      { numRuns: 200 },
    );
  });
});
