import { createScope, type ListenerScope } from '@leakproof/events';
import type { Request, RequestHandler, Response } from 'express';

/**
 * Express middleware: gives every request a {@link ListenerScope} at `res.locals.scope`,
 * disposed when the response closes — after it is sent, or when the client hangs up
 * first. Listeners a handler adds through it cannot outlive the request.
 *
 * @example
 * ```ts
 * app.use(listenerScopes());
 * app.get('/x', (req, res) => { requestScope(res).on(feed, 'change', onChange); ... });
 * ```
 */
export function listenerScopes(): RequestHandler {
  return (_req: Request, res: Response, next) => {
    const scope = createScope();
    res.locals.scope = scope;
    res.once('close', () => scope.dispose());
    next();
  };
}

/** The request's scope, installed by {@link listenerScopes}. */
export function requestScope(res: Response): ListenerScope {
  const scope = res.locals.scope;
  if (scope === undefined) throw new Error('listenerScopes() middleware is not installed');
  return scope as ListenerScope;
}
