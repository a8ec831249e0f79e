import { getEventListeners } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { chunk, map, mapConcurrent, toArray, toReadable } from '@leakproof/iter';
import { describe, expect, test } from 'vitest';
import { probe, range, settle, sleep } from './helpers.js';

describe('Node Readable as a source', () => {
  test('an object-mode Readable is read item by item', async () => {
    expect(await toArray(chunk(Readable.from(range(5)), 2), { max: 10 })).toEqual([[0, 1], [2, 3], [4]]);
  });

  test('stopping early destroys the stream', async () => {
    const stream = Readable.from(range(100));
    for await (const _ of mapConcurrent(stream, async (x) => x, { concurrency: 2 })) break;
    expect(stream.destroyed).toBe(true);
  });

  test('a stream error surfaces through the stage', async () => {
    const stream = new Readable({
      objectMode: true,
      read() {
        this.destroy(new Error('socket reset'));
      },
    });
    await expect(
      toArray(
        map(stream, (x) => x),
        { max: 10 },
      ),
    ).rejects.toThrow('socket reset');
  });
});

describe('toReadable', () => {
  test('pipes with backpressure: a slow writer keeps the source at most highWaterMark ahead', async () => {
    const p = probe(range(200));
    let written = 0;
    let mostAhead = 0;
    const slow = new Writable({
      objectMode: true,
      highWaterMark: 1,
      write(_item, _enc, done) {
        written++;
        mostAhead = Math.max(mostAhead, p.pulled() - written);
        setImmediate(done);
      },
    });
    await pipeline(toReadable(p.source, { highWaterMark: 4 }), slow);
    expect(written).toBe(200);
    // 4 in the readable's buffer, 1 in the writable's, 1 being written, 1 read in flight
    expect(mostAhead).toBeLessThanOrEqual(7);
    expect(p.closed()).toBe(1);
  });

  test('byte mode for text output', async () => {
    const chunks: string[] = [];
    await pipeline(
      toReadable(
        map(range(3), (x) => `${x}\n`),
        { objectMode: false },
      ),
      new Writable({
        write(c: Buffer, _e, done) {
          chunks.push(c.toString());
          done();
        },
      }),
    );
    expect(chunks.join('')).toBe('0\n1\n2\n');
  });

  test('destroying the stream closes the source; close is emitted after its finally ran', async () => {
    const p = probe(range(100), { finallyDelayMs: 5 });
    const readable = toReadable(p.source);
    await new Promise((resolve) => readable.once('readable', resolve));
    readable.destroy();
    await new Promise((resolve) => readable.once('close', resolve));
    expect(p.closed()).toBe(1);
  });

  test('a source error destroys the stream with it', async () => {
    const readable = toReadable(probe(range(10), { failAt: 2 }).source);
    await expect(toArray(readable, { max: 10 })).rejects.toThrow('source failed at 2');
  });

  test('a null item destroys the stream with ERR_INVALID_ARG_VALUE', async () => {
    const readable = toReadable([1, null, 3]);
    await expect(toArray(readable, { max: 10 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });

  test('the signal aborts the stream and closes the source', async () => {
    const controller = new AbortController();
    const p = probe(range(100), { delayMs: 1 });
    const readable = toReadable(p.source, { signal: controller.signal });
    const errored = new Promise((resolve) => readable.once('error', resolve));
    readable.resume();
    await sleep(5);
    controller.abort();
    expect(await errored).toMatchObject({ name: 'AbortError' });
    await settle();
    expect(p.closed()).toBe(1);
  });

  test('the signal destroys a paused stream with a full buffer at once, and leaves no listener', async () => {
    const controller = new AbortController();
    const p = probe(range(100), { finallyDelayMs: 2 });
    const readable = toReadable(p.source, { highWaterMark: 2, signal: controller.signal });
    readable.read(0); // fill the buffer, then nobody reads
    await settle(10);
    const pulledBefore = p.pulled();
    const errored = new Promise((resolve) => readable.once('error', resolve));
    const closed = new Promise((resolve) => readable.once('close', resolve));
    controller.abort();
    expect(await errored).toMatchObject({ name: 'AbortError' });
    await closed;
    expect(p.closed()).toBe(1);
    expect(p.pulled()).toBe(pulledBefore);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
