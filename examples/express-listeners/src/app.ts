import { type EventEmitter, on } from '@leakproof/events';
import express, { type Application } from 'express';
import type { StockChange } from './inventory.js';
import { listenerScopes, requestScope } from './listener-scopes.js';

/**
 * `GET /stock/:sku/next` long-polls: it answers with the next change of that SKU. The
 * subscription lives in the request's scope, so a client that gives up (or a response
 * that is sent) takes the listener with it.
 */
export function createApp(inventory: EventEmitter<{ change: [StockChange] }>): Application {
  const app = express();
  app.use(listenerScopes());
  app.get('/stock/:sku/next', async (req, res) => {
    const scope = requestScope(res);
    try {
      // Bounded async iteration over the feed, ended by the scope's signal.
      for await (const [change] of on(inventory, 'change', {
        signal: scope.signal,
        highWaterMark: 16,
        overflow: 'drop-oldest',
      })) {
        if ((change as StockChange).sku === req.params.sku) {
          res.json(change);
          return;
        }
      }
    } catch (error) {
      if (scope.signal.aborted) return; // the client went away; nothing to answer
      throw error;
    }
  });
  return app;
}
