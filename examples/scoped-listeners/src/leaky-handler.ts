import type { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type InventoryEvents, quote, type StockChange } from './inventory.js';

/**
 * BEFORE: `GET /quote/:sku` watches the shared inventory while it prices the item, so it
 * can flag a quote that went stale. The listener is added per request and never removed:
 * every request leaves one closure (and everything it captured) on the inventory.
 */
export function leakyQuoteHandler(inventory: EventEmitter<InventoryEvents>) {
  return async (sku: string, _req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let stale = false;
    inventory.on('change', (change: StockChange) => {
      if (change.sku === sku) stale = true;
    });
    const price = await quote(sku);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku, price, stale }));
  };
}
