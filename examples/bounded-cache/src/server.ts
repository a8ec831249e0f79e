import { createServer, type Server } from 'node:http';
import type { Product } from './catalog.js';

/** A product lookup as the two variants provide it. */
export type Lookup = (id: string, signal?: AbortSignal) => Promise<Product>;

/** `GET /products/:id` served through `lookup`. The request's abort reaches the lookup. */
export function productServer(lookup: Lookup): Server {
  return createServer(async (req, res) => {
    const match = /^\/products\/([\w-]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || match === null) {
      res.writeHead(404).end();
      return;
    }
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    try {
      const product = await lookup(match[1]!, controller.signal);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(product));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
}
