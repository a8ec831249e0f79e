import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from '@leakproof/events';
import { type InventoryEvents, quote } from './inventory.js';

/**
 * AFTER: the same handler with the subscription in a scope tied to the request. `using`
 * disposes it when the handler returns or throws; the request's `close` disposes it
 * early when the client hangs up mid-quote. Either way the listener is gone.
 */
export function scopedQuoteHandler(inventory: EventEmitter<InventoryEvents>) {
  return async (sku: string, _req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const hangUp = new AbortController();
    res.once('close', () => hangUp.abort());
    using scope = inventory.scope({ signal: hangUp.signal });
    let stale = false;
    scope.on('change', (change) => {
      if (change.sku === sku) stale = true;
    });
    const price = await quote(sku);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sku, price, stale }));
  };
}
