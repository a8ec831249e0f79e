import { type EventEmitter, once } from '@leakproof/events';
import Fastify, { type FastifyInstance } from 'fastify';
import type { StockChange } from './inventory.js';
import { installListenerScopes } from './listener-scopes.js';

/**
 * `GET /quote/:sku` prices an item while watching the shared inventory, flagging a quote
 * that went stale; `GET /stock/:sku/next` waits (at most `waitMs`) for the next change.
 * Both subscribe through the request's scope, so nothing outlives the request.
 */
export function createApp(
  inventory: EventEmitter<{ change: [StockChange] }>,
  waitMs = 5_000,
): FastifyInstance {
  const app = Fastify();
  installListenerScopes(app);

  app.get<{ Params: { sku: string } }>('/quote/:sku', async (request) => {
    const { sku } = request.params;
    let stale = false;
    request.listenerScope.on(inventory, 'change', (change: StockChange) => {
      if (change.sku === sku) stale = true;
    });
    await new Promise((resolve) => setImmediate(resolve)); // the pricing call
    return { sku, price: 100 + (sku.length % 7), stale };
  });

  app.get<{ Params: { sku: string } }>('/stock/:sku/next', async (request, reply) => {
    const { sku } = request.params;
    try {
      // once() with the request scope's signal and a timeout leaves no listener either way.
      for (;;) {
        const [change] = (await once(inventory, 'change', {
          signal: request.listenerScope.signal,
          timeout: waitMs,
        })) as [StockChange];
        if (change.sku === sku) return change;
      }
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_ONCE_TIMEOUT') return reply.code(204).send();
      throw error;
    }
  });
  return app;
}
