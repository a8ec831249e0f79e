import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerPrimitive } from '@leakproof/core';
import { describe, expect, it } from 'vitest';
import { memoryStatusHandler } from '../src/memory-status-handler.js';

describe('memoryStatusHandler', () => {
  it('serves memoryStatus() as JSON from a real node:http server', async () => {
    const target = { hits: 7 };
    using _registration = registerPrimitive(target, {
      kind: 'cache',
      name: 'handler-test-cache',
      stats: (t) => ({ hits: t.hits }),
    });
    const handler = memoryStatusHandler({ containerLimit: 2 ** 40 });
    const server = createServer((req, res) => {
      if (req.url === '/status/memory') handler(req, res);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/status/memory`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Record<string, unknown> & { primitives: { name: string }[] };
      expect(body).toMatchObject({ containerLimit: 2 ** 40, limitedBy: 'heap' });
      expect(typeof body.heapUsed).toBe('number');
      expect(typeof body.pressure).toBe('number');
      expect(body.primitives.find((p) => p.name === 'handler-test-cache')).toMatchObject({
        kind: 'cache',
        stats: { hits: 7 },
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('answers through a fastify-style reply', () => {
    const sent: { code?: number; headers: Record<string, string>; body?: string } = { headers: {} };
    const reply = {
      code(status: number) {
        sent.code = status;
        return reply;
      },
      header(name: string, value: string) {
        sent.headers[name] = value;
        return reply;
      },
      send(body: string) {
        sent.body = body;
        return reply;
      },
    };
    memoryStatusHandler({ space: 0 })({}, reply);
    expect(sent.code).toBe(200);
    expect(sent.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sent.body).not.toContain('\n');
    expect(JSON.parse(sent.body!)).toHaveProperty('effectiveLimit');
  });

  it('validates options when created and the response when called', () => {
    expect(() => memoryStatusHandler({ space: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => memoryStatusHandler({ containerLimit: -5 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }),
    );
    expect(() => memoryStatusHandler()({}, {} as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('serves the heap left after the last major collection, which memoryStatus() alone reports as null', async () => {
    const { gc } = await import('../src/gc.js');
    const { memoryStatus } = await import('../src/memory-status.js');
    const { heapAfterGc, heapAfterGcUsers } = await import('../src/heap-after-gc.js');
    if (heapAfterGcUsers() === 0) expect(memoryStatus({ primitives: false }).heapAfterGc).toBeNull();
    const handler = memoryStatusHandler({ space: 0 });
    gc();
    // The GC observer reports asynchronously.
    while (heapAfterGc() === undefined) await new Promise((resolve) => setTimeout(resolve, 1));
    let body = '';
    handler(
      {},
      {
        statusCode: 0,
        setHeader() {},
        end(text: string) {
          body = text;
        },
      },
    );
    const status = JSON.parse(body) as { heapAfterGc: number; heapAfterGcAt: number; heapUsed: number };
    expect(status.heapAfterGc).toBeGreaterThan(1_000_000);
    expect(status.heapAfterGcAt).toBeLessThanOrEqual(Date.now());
    expect(status.heapAfterGcAt).toBeGreaterThan(Date.now() - 60_000);
  });
});
