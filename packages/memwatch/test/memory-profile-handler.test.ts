import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLeaks, type MemoryProfileReport, memoryProfileHandler } from '../src/index.js';

const TOKEN = 'a-long-enough-test-token';
let server: http.Server;
let base: string;

beforeAll(async () => {
  const profile = memoryProfileHandler({ token: TOKEN, maxSeconds: 5 });
  server = http.createServer((req, res) => {
    if (req.url?.startsWith('/status/memory/profile')) void profile(req, res);
    else res.end('app');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/status/memory/profile`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function get(query: string, headers: Record<string, string> = auth, method = 'GET') {
  const res = await fetch(`${base}${query}`, { headers, method });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** A leak in this process: a payload kept every few milliseconds, from a named function. */
function leakWhileProfiling(): () => void {
  const kept: string[] = [];
  const timer = setInterval(function keepPayloads() {
    for (let k = 0; k < 50; k++) kept.push(Buffer.alloc(1024, 97 + (k % 26)).toString('latin1'));
  }, 5);
  return () => {
    clearInterval(timer);
    kept.length = 0;
  };
}

describe('memoryProfileHandler guards', () => {
  it('is off without a token: creating it needs one of at least 16 characters', () => {
    expect(() => memoryProfileHandler(undefined as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => memoryProfileHandler({} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => memoryProfileHandler({ token: 'short' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => memoryProfileHandler({ token: TOKEN, maxSeconds: null as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => memoryProfileHandler({ token: TOKEN, samplingInterval: 1024 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
  });

  it('answers 401 without a bearer token and 403 with a wrong one, of any length', async () => {
    const none = await get('?seconds=1', {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await get('?seconds=1', { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await get('?seconds=1', { authorization: 'Bearer x' })).status).toBe(403);
    expect((await get('?seconds=1', { authorization: `Bearer ${TOKEN}x` })).status).toBe(403);
    expect((await get('?seconds=1', { authorization: `Bearer ${'b'.repeat(TOKEN.length)}` })).status).toBe(
      403,
    );
  });

  it('answers 405 to anything but GET', async () => {
    const res = await get('?seconds=1', auth, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('answers 400 to a window or interval outside its caps, or an unknown format', async () => {
    for (const query of [
      '?seconds=0',
      '?seconds=6',
      '?seconds=abc',
      '?seconds=1.5',
      '?interval=1024',
      '?format=csv',
    ]) {
      expect((await get(query)).status, query).toBe(400);
    }
  });

  it('profiles one window at a time (409 for the second), and names the growing site', async () => {
    const stop = leakWhileProfiling();
    try {
      const first = get('?seconds=2&interval=65536');
      // The first request holds the profiler once its response headers are pending; ask until busy.
      let second = await get('?seconds=1');
      for (let k = 0; k < 50 && second.status !== 409; k++) second = await get('?seconds=1');
      expect(second.status).toBe(409);
      await expect(findLeaks(() => {}, { ops: 4 })).rejects.toMatchObject({ code: 'ERR_PROFILER_BUSY' });
      const res = await first;
      expect(res.status).toBe(200);
      const report = JSON.parse(res.body) as MemoryProfileReport;
      expect(report.seconds).toBe(2);
      expect(report.samplingInterval).toBe(65536);
      expect(report.growing.map((s) => s.location).join('\n')).toContain('keepPayloads');
      expect(report.growing[0]!.bytesPerSecond).toBeGreaterThan(0);
      expect(report.live.length).toBeGreaterThan(0);
    } finally {
      stop();
    }
  });

  it('serves the raw profile as a .heapprofile that DevTools opens', async () => {
    const res = await get('?seconds=1&format=heapprofile');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="heap-.*\.heapprofile"$/);
    const profile = JSON.parse(res.body) as {
      head: { callFrame: unknown; children: unknown[] };
      samples: unknown[];
    };
    expect(profile.head.callFrame).toBeDefined();
    expect(Array.isArray(profile.samples)).toBe(true);
  });

  it('ends the profile when the client goes away, without answering', async () => {
    const handler = memoryProfileHandler({ token: TOKEN, maxSeconds: 600 });
    const response = Object.assign(new EventEmitter(), {
      statusCode: 0,
      ended: false,
      setHeader() {},
      end() {
        response.ended = true;
      },
    });
    const done = handler({ method: 'GET', url: '/?seconds=600', headers: auth }, response);
    response.emit('close');
    await done;
    expect(response.ended).toBe(false);
    // The profiler is free again at once.
    const report = await findLeaks(() => {}, { ops: 4 });
    expect(report.sites).toEqual([]);
  });
});
