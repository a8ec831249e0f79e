import { EventEmitter as NodeEventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from '@leakproof/events';
import { describe, expect, it } from 'vitest';
import type { InventoryEvents } from '../src/inventory.js';
import { leakyQuoteHandler } from '../src/leaky-handler.js';
import { scopedQuoteHandler } from '../src/scoped-handler.js';
import { hammer, type QuoteHandler, quoteServer } from '../src/server.js';

async function serve<T>(handler: QuoteHandler, fn: (port: number) => Promise<T>): Promise<T> {
  const server = quoteServer(handler).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await fn((server.address() as AddressInfo).port);
  } finally {
    server.close();
    server.closeAllConnections();
  }
}

describe('examples/scoped-listeners: a per-request listener on a shared emitter', () => {
  it('the leaky handler leaves one listener per request on node:events', async () => {
    const inventory = new NodeEventEmitter<InventoryEvents>();
    inventory.setMaxListeners(0);
    await serve(leakyQuoteHandler(inventory), (port) => hammer(port, 1500));
    expect(inventory.listenerCount('change')).toBe(1500);
  });

  it('on @leakproof/events the same leak stops at listenerLimit with ERR_LISTENER_LIMIT', async () => {
    const inventory = new EventEmitter<InventoryEvents>({ name: 'inventory' });
    inventory.setMaxListeners(0);
    const statuses = await serve(leakyQuoteHandler(inventory), (port) => hammer(port, 1500));
    expect(inventory.listenerCount('change')).toBe(1000);
    expect(statuses.get(500)).toBe(500);
    expect(inventory.stats().limitHits).toBe(500);
  });

  it('the scoped handler leaves no listener after 10 000 requests, and still sees changes mid-quote', async () => {
    const inventory = new EventEmitter<InventoryEvents>({ name: 'inventory' });
    const statuses = await serve(scopedQuoteHandler(inventory), async (port) => {
      // A change during a quote reaches that request's listener.
      const pending = fetch(`http://127.0.0.1:${port}/quote/sku-7`).then((r) => r.json());
      while (inventory.listenerCount('change') === 0) await new Promise((r) => setImmediate(r));
      inventory.emit('change', { sku: 'sku-7', quantity: 0 });
      expect(await pending).toMatchObject({ sku: 'sku-7', stale: true });
      return hammer(port, 10_000);
    });
    expect(statuses.get(200)).toBe(10_000);
    expect(inventory.listenerCount('change')).toBe(0);
    expect(inventory.stats()).toMatchObject({ listeners: 0, scopes: 0, limitHits: 0 });
  });
});
