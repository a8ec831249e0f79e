import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import {
  buffer,
  chunk,
  drop,
  filter,
  flatMap,
  from,
  map,
  mapConcurrent,
  merge,
  paginate,
  type Stage,
  take,
  tap,
} from '@leakproof/iter';
import { expectCollected, gc } from '@leakproof/memwatch';
import { describe, expect, test } from 'vitest';
import { deferred, probe, range, settle, sleep, until, untilAborted } from './helpers.js';

type Factory = (source: AsyncIterable<number>, signal: AbortSignal) => Stage<unknown>;

const stages: [string, Factory][] = [
  ['from', (s, signal) => from(s, { signal })],
  ['map', (s, signal) => map(s, (x) => x, { signal })],
  ['map (async fn)', (s, signal) => map(s, async (x) => x, { signal })],
  ['filter', (s, signal) => filter(s, () => true, { signal })],
  ['tap', (s, signal) => tap(s, () => {}, { signal })],
  ['take', (s, signal) => take(s, 1000, { signal })],
  ['drop', (s, signal) => drop(s, 0, { signal })],
  ['chunk', (s, signal) => chunk(s, { size: 2, signal })],
  ['chunk (maxWaitMs)', (s, signal) => chunk(s, { size: 50, maxWaitMs: 5, signal })],
  ['mapConcurrent', (s, signal) => mapConcurrent(s, async (x) => x, { concurrency: 3, signal })],
  [
    'mapConcurrent (unordered)',
    (s, signal) => mapConcurrent(s, async (x) => x, { concurrency: 3, ordered: false, signal }),
  ],
  ['flatMap', (s, signal) => flatMap(s, (x) => [x, x], { signal })],
  ['flatMap (concurrency 3)', (s, signal) => flatMap(s, async (x) => [x], { concurrency: 3, signal })],
  ['merge', (s, signal) => merge([s, [100, 101]], { signal })],
  ['buffer', (s, signal) => buffer(s, 4, { signal })],
  [
    'nested pipeline',
    (s, signal) =>
      mapConcurrent(
        chunk(
          map(s, (x) => x),
          3,
        ),
        async (b) => b,
        { concurrency: 2, signal },
      ),
  ],
];

function listeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

describe.each(stages)('%s: early stop and abort', (_name, make) => {
  test('break: the source finally (async) has run before the loop exits; no listener left', async () => {
    const controller = new AbortController();
    const p = probe(range(100), { finallyDelayMs: 5 });
    const stage = make(p.source, controller.signal);
    for await (const _ of stage) break;
    expect(p.closed()).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(p.closed()).toBe(1);
  });

  test('a throw in the loop body closes the source before the error reaches the caller', async () => {
    const controller = new AbortController();
    const p = probe(range(100), { finallyDelayMs: 5, delayMs: 0 });
    const boom = new Error('body failed');
    await expect(
      (async () => {
        for await (const _ of make(p.source, controller.signal)) throw boom;
      })(),
    ).rejects.toBe(boom);
    expect(p.closed()).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
  });

  test('return() before the first next() closes the source without reading it', async () => {
    const controller = new AbortController();
    const p = probe(range(100));
    const stage = make(p.source, controller.signal);
    await stage.return(undefined);
    expect(p.pulled()).toBe(0);
    expect(listeners(controller.signal)).toBe(0);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  test('abort while next() is pending: it rejects with AbortError after the source closed', async () => {
    const controller = new AbortController();
    const gate = deferred();
    // Item 2 waits on a gate; it opens right after the abort (the source is slow, not stuck).
    const p = probe(range(100), { finallyDelayMs: 5, before: (i) => (i === 2 ? gate.promise : undefined) });
    const stage = make(p.source, controller.signal);
    const seen: unknown[] = [];
    const run = (async () => {
      for await (const x of stage) seen.push(x);
    })();
    await settle();
    expect(listeners(controller.signal)).toBe(1);
    controller.abort(new Error('client went away'));
    gate.resolve();
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      name: 'AbortError',
      code: 'ABORT_ERR',
      cause: { message: 'client went away' },
    });
    expect(p.closed()).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  test('abort while the consumer is busy: the next next() rejects once, then done', async () => {
    const controller = new AbortController();
    const p = probe(range(100), { finallyDelayMs: 5 });
    const stage = make(p.source, controller.signal);
    await stage.next();
    controller.abort();
    await until(() => p.closed() === 1, 'the source to close'); // its finally takes 5 ms
    expect(p.closed()).toBe(1);
    await expect(stage.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    expect(listeners(controller.signal)).toBe(0);
  });

  test('an already aborted signal: nothing is read, the first next() rejects', async () => {
    const p = probe(range(100));
    const stage = make(p.source, AbortSignal.abort());
    await expect(stage.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.pulled()).toBe(0);
  });

  test('an error from the source surfaces exactly once and the stage is then done', async () => {
    const controller = new AbortController();
    const boom = new Error('source failed');
    const p = probe(range(100), { failAt: 5, error: boom });
    const stage = make(p.source, controller.signal);
    const errors: unknown[] = [];
    for (let i = 0; i < 200; i++) {
      try {
        const r = await stage.next();
        if (r.done === true) break;
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toEqual([boom]);
    expect(p.closed()).toBe(1);
    expect(listeners(controller.signal)).toBe(0);
  });

  test('close() is return() by name, and idempotent', async () => {
    const p = probe(range(100), { finallyDelayMs: 2 });
    const stage = make(p.source, new AbortController().signal);
    await stage.next();
    await Promise.all([stage.close(), stage.close()]);
    await stage.close();
    expect(p.closed()).toBe(1);
  });

  test('await using closes the pipeline on scope exit', async () => {
    const p = probe(range(100), { finallyDelayMs: 5 });
    {
      await using stage = make(p.source, new AbortController().signal);
      await stage.next();
    }
    expect(p.closed()).toBe(1);
  });
});

describe('in-flight work sees an aborted signal', () => {
  test('mapConcurrent: break aborts the calls still running; return() does not wait for them', async () => {
    const signals: AbortSignal[] = [];
    const p = probe(range(100), { finallyDelayMs: 2 });
    const stage = mapConcurrent(
      p.source,
      (x, { signal }) => {
        signals.push(signal);
        return x === 0 ? sleep(10).then(() => x) : untilAborted(signal);
      },
      { concurrency: 4 },
    );
    for await (const _ of stage) break;
    expect(p.closed()).toBe(1);
    expect(signals).toHaveLength(4);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(signals[1]!.reason).toMatchObject({ name: 'AbortError' });
    await settle(); // their rejections are absorbed, never unhandled
  });

  test('mapConcurrent: an fn failure aborts the others, closes the source and surfaces once', async () => {
    const signals: AbortSignal[] = [];
    const p = probe(range(100));
    const boom = new Error('fn failed');
    const stage = mapConcurrent(
      p.source,
      async (x, { signal }) => {
        signals.push(signal);
        if (x === 2) throw boom;
        return untilAborted(signal);
      },
      { concurrency: 3 },
    );
    await expect(stage.next()).rejects.toBe(boom);
    expect(p.closed()).toBe(1);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    await settle();
  });

  test('mapConcurrent: several failing calls surface one error, the rest are absorbed', async () => {
    const gate = deferred();
    const stage = mapConcurrent(
      range(10),
      async (x) => {
        await gate.promise;
        throw new Error(`fail ${x}`);
      },
      { concurrency: 5 },
    );
    const first = stage.next();
    await settle();
    gate.resolve();
    await expect(first).rejects.toThrow('fail 0');
    expect(await stage.next()).toEqual({ done: true, value: undefined });
    await settle();
  });

  test('flatMap: the async fn producing an inner source sees the abort', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const stage = flatMap(
      range(3),
      (_x, { signal }) => {
        seen = signal;
        return untilAborted(signal);
      },
      { signal: controller.signal },
    );
    const pending = stage.next();
    await settle();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen?.aborted).toBe(true);
  });
});

describe('a slow source can be cancelled promptly', () => {
  test('paginate passes the signal to fetchPage: abort stops a fetch that would never end', async () => {
    const controller = new AbortController();
    const fetchSignals: AbortSignal[] = [];
    const stage = paginate<number, number>(
      (_cursor, { signal }) => {
        fetchSignals.push(signal);
        return untilAborted(signal);
      },
      { limit: 10, signal: controller.signal },
    );
    const pending = stage.next();
    await settle();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(fetchSignals[0]?.aborted).toBe(true);
    expect(listeners(controller.signal)).toBe(0);
  });

  test('a stage over paginate closes promptly even while a page fetch hangs', async () => {
    const controller = new AbortController();
    const pages = paginate<number, number>((_c, { signal }) => untilAborted(signal), { limit: 10 });
    const stage = mapConcurrent(chunk(pages, 5), async (b) => b, {
      concurrency: 2,
      signal: controller.signal,
    });
    const pending = stage.next();
    await settle();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('a Readable source with no data: abort destroys the stream at once', async () => {
    const controller = new AbortController();
    const stream = new Readable({ objectMode: true, read() {} }); // never pushes
    const stage = chunk(stream, { size: 10, signal: controller.signal });
    const pending = stage.next();
    await settle();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(stream.destroyed).toBe(true);
  });

  test('documented limit: a generator stuck at an await closes only once that await settles', async () => {
    const controller = new AbortController();
    const gate = deferred();
    const p = probe(range(10), { before: (i) => (i === 1 ? gate.promise : undefined) });
    const stage = map(p.source, (x) => x, { signal: controller.signal });
    expect(await stage.next()).toEqual({ done: false, value: 0 });
    const pending = stage.next();
    await settle();
    controller.abort();
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await settle();
    expect(settled).toBe(false); // JavaScript queues return() behind the generator's pending await
    gate.resolve();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(p.closed()).toBe(1);
  });
});

describe('return() while a next() is pending', () => {
  test('the pending next() resolves done and the source is closed', async () => {
    const pages = paginate<number, number>((_c, { signal }) => untilAborted(signal), { limit: 10 });
    const stage = mapConcurrent(pages, async (x) => x, { concurrency: 2 });
    const pending = stage.next();
    await settle();
    await stage.return(undefined);
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  test('return() rejects when the source fails to close', async () => {
    const failing: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 1 }),
        return: async () => {
          throw new Error('close failed');
        },
      }),
    };
    const stage = map(failing, (x) => x);
    await stage.next();
    await expect(stage.return(undefined)).rejects.toThrow('close failed');
  });
});

describe('throw() and shared signals', () => {
  test('throw(error) closes the source, then rejects with that error; the stage is done', async () => {
    const p = probe(range(10), { finallyDelayMs: 2 });
    const stage = chunk(p.source, 2);
    await stage.next();
    const boom = new Error('consumer gave up');
    await expect(stage.throw(boom)).rejects.toBe(boom);
    expect(p.closed()).toBe(1);
    expect(await stage.next()).toEqual({ done: true, value: undefined });
  });

  test('one signal on every stage of a pipeline: one AbortError, every source closed, no listener', async () => {
    const controller = new AbortController();
    const { signal } = controller;
    const a = probe(range(1000), { delayMs: 0 });
    const b = probe(range(1000), { delayMs: 0 });
    const stage = mapConcurrent(
      chunk(merge([map(a.source, (x) => x, { signal }), b.source], { signal }), { size: 10, signal }),
      async (batch, { signal: work }) => {
        await sleep(1);
        work.throwIfAborted();
        return batch.length;
      },
      { concurrency: 3, signal },
    );
    const errors: unknown[] = [];
    let seen = 0;
    try {
      for await (const _ of stage) if (++seen === 3) controller.abort();
    } catch (error) {
      errors.push(error);
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'AbortError' });
    expect(a.closed()).toBe(1);
    expect(b.closed()).toBe(1);
    expect(listeners(signal)).toBe(0);
    await settle();
  });
});

describe('a stage abandoned half-way', () => {
  test('is not kept alive by a long-lived signal: collected, and its listener removed', async () => {
    const appLifetime = new AbortController();
    await expectCollected(async () => {
      const stage = mapConcurrent(probe(range(100)).source, async (x) => x, {
        concurrency: 2,
        signal: appLifetime.signal,
      });
      await stage.next(); // started, then dropped without return()
      return stage;
    });
    for (let i = 0; i < 10 && listeners(appLifetime.signal) > 0; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(listeners(appLifetime.signal)).toBe(0);
  });
});
