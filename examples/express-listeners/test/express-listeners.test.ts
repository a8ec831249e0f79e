import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createInventory } from '../src/inventory.js';

/** Polls until `condition` holds, for at most ~5 s; the assertions after it say what failed. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !condition(); i++) await new Promise((r) => setTimeout(r, 1));
}

describe('examples/express-listeners: request-scoped listeners in Express 5', () => {
  it('long-polls answered or abandoned leave no listener on the shared emitter', async () => {
    const inventory = createInventory();
    const server = createApp(inventory).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let round = 0; round < 20; round++) {
        const answered = Array.from({ length: 20 }, () =>
          fetch(`${base}/stock/sku-1/next`).then((r) => r.json()),
        );
        const abandoned = Array.from({ length: 20 }, () => {
          const ac = new AbortController();
          const request = fetch(`${base}/stock/sku-2/next`, { signal: ac.signal }).catch(
            (e: Error) => e.name,
          );
          return { ac, request };
        });
        await waitFor(() => inventory.listenerCount('change') === 40);
        for (const { ac } of abandoned) ac.abort();
        inventory.emit('change', { sku: 'sku-1', quantity: round });
        const bodies = await Promise.all(answered);
        expect(bodies.every((b) => (b as { quantity: number }).quantity === round)).toBe(true);
        expect(await Promise.all(abandoned.map((a) => a.request))).toEqual(Array(20).fill('AbortError'));
      }
      // The server notices the hang-ups on its side of the socket a little later.
      await waitFor(() => inventory.listenerCount('change') === 0);
      expect(inventory.listenerCount('change')).toBe(0);
      expect(inventory.stats()).toMatchObject({ listeners: 0, limitHits: 0 });
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
