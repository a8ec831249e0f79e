import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { measureGrowth } from '@leakproof/memwatch';
import { describe, expect, it } from 'vitest';
import * as bounded from '../src/bounded-lookup.js';
import * as leaky from '../src/leaky-lookup.js';
import { productServer } from '../src/server.js';

describe('examples/bounded-cache: the product cache of an HTTP service', () => {
  it('under a crawl, the Map cache grows with every request while BoundedMap stays flat', async () => {
    const options = { samples: 6, opsPerSample: 1_500, warmup: 1 };
    const leakyGrowth = await measureGrowth((i) => leaky.getProduct(`crawl-${i}`), options);
    const boundedGrowth = await measureGrowth((i) => bounded.getProduct(`crawl-${i}`), options);
    // A cached product is about a kilobyte: the Map keeps every one.
    expect(leakyGrowth.bytesPerOp).toBeGreaterThan(500);
    expect(leaky.cachedProducts()).toBe(leakyGrowth.ops + leakyGrowth.warmupOps);
    expect(boundedGrowth.bytesPerOp).toBeLessThan(20);
    expect(bounded.cachedProducts()).toBe(1000);
  });

  it('serves products over HTTP through the bounded cache, one load per id', async () => {
    const server = productServer(bounded.getProduct).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const loadsBefore = bounded.cacheStats().loads;
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => fetch(`http://127.0.0.1:${port}/products/http-demo`)),
      );
      for (const res of responses) expect(res.status).toBe(200);
      const body = (await responses[0]!.json()) as { id: string };
      expect(body.id).toBe('http-demo');
      expect(bounded.cacheStats().loads - loadsBefore).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
