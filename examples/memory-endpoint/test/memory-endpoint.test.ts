import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMemoryService } from '../src/service.js';

describe('examples/memory-endpoint: /status/memory and /metrics', () => {
  it('serves both, and they describe the live primitives', async () => {
    await using service = await createMemoryService({ maxSessions: 100, log: () => {} });
    service.server.listen(0, '127.0.0.1');
    await once(service.server, 'listening');
    const { port } = service.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;

    for (const id of ['alice', 'bob', 'alice', 'carol']) {
      expect((await fetch(`${base}/sessions/${id}`)).status).toBe(200);
    }

    const statusResponse = await fetch(`${base}/status/memory`);
    expect(statusResponse.status).toBe(200);
    expect(statusResponse.headers.get('content-type')).toContain('application/json');
    const status = (await statusResponse.json()) as {
      heapUsed: number;
      effectiveLimit: number;
      pressure: number;
      primitives: { kind: string; name: string; stats: Record<string, number> }[];
    };
    expect(status.heapUsed).toBeGreaterThan(0);
    expect(status.effectiveLimit).toBeGreaterThan(status.heapUsed);
    expect(status.pressure).toBeGreaterThan(0);
    expect(status.pressure).toBeLessThan(1);
    const sessions = status.primitives.find((p) => p.name === 'sessions');
    expect(sessions).toMatchObject({ kind: 'cache', stats: { size: 3, hits: 1, misses: 3, max: 100 } });
    expect(status.primitives.find((p) => p.name === 'session-events')).toMatchObject({
      kind: 'emitter',
      stats: { listeners: 1 },
    });
    expect(status.primitives.map((p) => p.kind)).toEqual(
      expect.arrayContaining(['memory-governor', 'memory-watcher']),
    );

    const metricsResponse = await fetch(`${base}/metrics`);
    expect(metricsResponse.status).toBe(200);
    expect(metricsResponse.headers.get('content-type')).toContain('text/plain');
    const metrics = await metricsResponse.text();
    expect(metrics).toContain('app_cache_size{kind="cache",name="sessions"} 3');
    expect(metrics).toContain('app_cache_hits_total{kind="cache",name="sessions"} 1');
    expect(metrics).toContain('app_cache_misses_total{kind="cache",name="sessions"} 3');
    expect(metrics).toContain('app_emitter_listeners{kind="emitter",name="session-events"} 1');
    expect(metrics).toMatch(/app_memory_pressure_ratio 0\.\d+/);
    expect(metrics).toMatch(/app_memory_effective_limit_bytes \d+/);
  });

  it('bounds the session cache, and close() takes every primitive out of the registry', async () => {
    const service = await createMemoryService({ maxSessions: 10, log: () => {} });
    service.server.listen(0, '127.0.0.1');
    await once(service.server, 'listening');
    const { port } = service.server.address() as AddressInfo;
    for (let i = 0; i < 50; i++) await fetch(`http://127.0.0.1:${port}/sessions/s${i}`);
    expect(service.sessions.size).toBe(10);
    await service.close();
    await service.close();
    expect(service.server.listening).toBe(false);
    expect(service.registry.getMetricsAsArray()).toHaveLength(0);
  });
});
