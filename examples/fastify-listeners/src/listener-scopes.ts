import { createScope, type ListenerScope } from '@leakproof/events';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Listeners added through it are removed when the request ends (see {@link installListenerScopes}). */
    listenerScope: ListenerScope;
  }
}

/**
 * Gives every request a {@link ListenerScope} at `request.listenerScope`, disposed once the
 * response is sent (`onResponse`, also after errors) or the client aborts
 * (`onRequestAbort`). Call it on the root instance so every route gets one.
 *
 * @example
 * ```ts
 * installListenerScopes(app);
 * app.get('/x', async (request) => { request.listenerScope.on(feed, 'change', onChange); ... });
 * ```
 */
export function installListenerScopes(app: FastifyInstance): void {
  app.decorateRequest('listenerScope', null as unknown as ListenerScope);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.listenerScope = createScope();
  });
  const dispose = async (request: FastifyRequest) => {
    request.listenerScope?.dispose();
  };
  app.addHook('onResponse', dispose);
  app.addHook('onRequestAbort', dispose);
}
