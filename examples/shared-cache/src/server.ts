// One service instance: GET /products/:id, PUT /products/:id {"price": n}, GET /stats.
// Env: PORT (0 = any), DB_FILE, REDIS_URL, CACHE=shared|leaky, NAMESPACE (optional).
// Prints `listening <port>` on stdout once ready.
import { createServer } from 'node:http';
import { databaseReads } from './catalog.js';
import { createProducts as createLeaky } from './leaky-service.js';
import { createProducts as createShared } from './shared-service.js';

const dbFile = process.env.DB_FILE ?? 'catalog.json';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const products =
  process.env.CACHE === 'leaky' ? createLeaky(dbFile) : createShared(dbFile, redisUrl, process.env.NAMESPACE);

const server = createServer(async (req, res) => {
  const match = /^\/products\/([\w-]+)$/.exec(req.url ?? '');
  try {
    if (req.url === '/stats') {
      const stats = 'cache' in products ? products.cache.stats() : {};
      res.end(JSON.stringify({ databaseReads: databaseReads(), ...stats }));
    } else if (match !== null && req.method === 'GET') {
      res.end(JSON.stringify(await products.get(match[1]!)));
    } else if (match !== null && req.method === 'PUT') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const current = await products.get(match[1]!);
      await products.update({ ...current, price: Number(JSON.parse(body).price) });
      res.end(JSON.stringify(await products.get(match[1]!)));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  } catch (error) {
    res.statusCode = 500;
    res.end(JSON.stringify({ error: String(error) }));
  }
});

server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : ''}`);
});

process.on('SIGTERM', () => {
  server.close();
  void products.close();
});
