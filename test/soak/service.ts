// The service under soak: an HTTP server on loopback that uses every primitive the way an
// application would. Products are read through a two-tier cache (L1 in process, L2 Redis)
// loaded from PostgreSQL through the pool; orders are written idempotently; /watch waits
// for the next price tick with a listener scope per request; /report streams a whole table
// in bounded chunks with backpressure; a BoundedSet with a ttl tracks connected clients; a
// memoized formatter labels prices.
import { once as onceEvent } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BoundedSet, memoize } from '@leakproof/cache';
import { unrefInterval } from '@leakproof/core';
import { createScope, EventEmitter, on, once } from '@leakproof/events';
import { chunk, paginate } from '@leakproof/iter';
import { createDatabase, type Database } from './database.js';
import { createProductCache, type Product, type ProductCache } from './product-cache.js';

export interface SoakServiceOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Unique per run: Redis namespace, table prefix and the pool's application_name. */
  readonly id: string;
  readonly products: number;
}

export interface SoakService {
  readonly url: string;
  readonly db: Database;
  readonly cache: ProductCache;
  readonly bus: EventEmitter<{ price: [{ product: number; price: number }] }>;
  readonly clients: BoundedSet<string>;
  readonly tables: { readonly products: string; readonly orders: string };
  /** Errors the service answered with a 500: the soak expects none. */
  readonly errors: string[];
  /** Events the deliberately slow in-process consumer took from its bounded buffer. */
  readonly slowConsumer: () => { seen: number };
  /** Times /report waited for a slow reader to drain the socket (backpressure at work). */
  readonly drains: () => number;
  /** Invalidations that could not reach Redis (during an injected restart). */
  readonly cacheDegraded: () => number;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, signal: AbortSignal) => Promise<void>;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startSoakService(options: SoakServiceOptions): Promise<SoakService> {
  const tables = { products: `${options.id}_products`, orders: `${options.id}_orders` };
  const db = createDatabase(options.databaseUrl, options.id);
  await db.query(
    `create table ${tables.products} (id integer primary key, name text not null, price integer not null)`,
  );
  await db.query(
    `insert into ${tables.products} select i, 'product ' || i, (i * 37) % 1000 from generate_series(1, $1::integer) as i`,
    [options.products],
  );
  await db.query(`create table ${tables.orders} (request_id text primary key, product_id integer not null)`);

  const cache = createProductCache({ redisUrl: options.redisUrl, namespace: options.id });
  const bus = new EventEmitter<{ price: [{ product: number; price: number }] }>();
  // Every /watch in flight listens (twice): the warning threshold follows the concurrency.
  bus.setMaxListeners(100);
  const clients = new BoundedSet<string>({ max: 500, ttl: 2_000, name: 'soak-clients' });
  const errors: string[] = [];
  let cacheDegraded = 0;
  let drains = 0;

  // A price feed ticking on the shared bus, and an in-process consumer slower than the feed:
  // `on()` buffers at most 64 events and drops the oldest beyond that.
  let tick = 0;
  const ticker = unrefInterval(() => {
    tick++;
    bus.emit('price', { product: (tick % options.products) + 1, price: tick % 1000 });
  }, 2);
  const slowAbort = new AbortController();
  let slowSeen = 0;
  const slowDone = (async () => {
    try {
      for await (const _ of on(bus, 'price', {
        signal: slowAbort.signal,
        highWaterMark: 64,
        overflow: 'drop-oldest',
      })) {
        slowSeen++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } catch (error) {
      if (!slowAbort.signal.aborted) errors.push(`slow consumer: ${String(error)}`);
    }
  })();

  const loadProduct = async (id: number): Promise<Product> => {
    const { rows } = await db.query<Product>(`select id, name, price from ${tables.products} where id = $1`, [
      id,
    ]);
    const row = rows[0];
    if (!row) throw new Error(`no product ${id}`);
    return row;
  };

  // A pure formatting function, memoized within a bound (the `lru_cache` recipe).
  const priceLabel = memoize((cents: number) => `€${(cents / 100).toFixed(2)}`, { max: 256 });

  const routes: Record<string, Handler> = {
    async product(_req, res, url) {
      const id = Number(url.searchParams.get('id'));
      const product = await cache.getOrLoad(`product:${id}`, () => loadProduct(id));
      json(res, 200, { ...product, label: priceLabel(product.price) });
    },
    async order(_req, res, url) {
      const requestId = url.searchParams.get('request') ?? '';
      const product = Number(url.searchParams.get('product'));
      // Idempotent: a retry after a lost connection cannot store the order twice.
      await db.query(
        `insert into ${tables.orders} (request_id, product_id) values ($1, $2) on conflict do nothing`,
        [requestId, product],
      );
      // While Redis is down the L1 copy is dropped anyway; the order itself is safe in PostgreSQL.
      if (!(await cache.delete(`product:${product}`))) cacheDegraded++;
      json(res, 201, { requestId });
    },
    async watch(_req, res, _url, signal) {
      // Every listener this request adds goes through its scope; disposing it removes them all.
      const scope = createScope({ signal });
      try {
        let seen = 0;
        scope.on(bus, 'price', () => {
          seen++;
        });
        const [event] = await once(bus, 'price', { signal: scope.signal, timeout: 1_000 });
        json(res, 200, { event, seen });
      } finally {
        scope.dispose();
      }
    },
    async report(_req, res, url, signal) {
      // `pad` makes each line bigger, so a slow reader fills the socket and pushes back.
      const pad = 'x'.repeat(Math.min(65_536, Number(url.searchParams.get('pad') ?? 0)));
      const fetchPage = async (cursor: number | undefined, { limit }: { limit: number }) => {
        const { rows } = await db.query<{ id: number; price: number }>(
          `select id, price from ${tables.products} where id > $1 order by id limit $2`,
          [cursor ?? 0, limit],
        );
        return { items: rows, next: rows.length === limit ? rows.at(-1)?.id : undefined };
      };
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      let rows = 0;
      let total = 0;
      for await (const batch of chunk(paginate(fetchPage, { limit: 250, signal }), { size: 100, signal })) {
        for (const r of batch) total += r.price;
        rows += batch.length;
        // Backpressure: a slow reader slows the query loop instead of filling memory.
        if (!res.write(`${JSON.stringify({ ids: batch.map((r) => r.id), pad })}\n`)) {
          drains++;
          await onceEvent(res, 'drain', { signal });
        }
      }
      res.end(`${JSON.stringify({ rows, total })}\n`);
    },
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[url.pathname.slice(1)];
    const client = req.headers['x-client'];
    if (typeof client === 'string') clients.add(client);
    if (!route) return json(res, 404, { error: 'not found' });
    // Aborted when the client goes away, so streaming work stops with it.
    const abort = new AbortController();
    res.once('close', () => abort.abort(new Error('client closed')));
    route(req, res, url, abort.signal).catch((error: unknown) => {
      if (abort.signal.aborted) return;
      errors.push(`${url.pathname}: ${String((error as Error)?.stack ?? error)}`);
      if (!res.headersSent) json(res, 500, { error: String(error) });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    db,
    cache,
    bus,
    clients,
    tables,
    errors,
    slowConsumer: () => ({ seen: slowSeen }),
    cacheDegraded: () => cacheDegraded,
    drains: () => drains,
    close() {
      closing ??= shutdown();
      return closing;
    },
  };

  async function shutdown(): Promise<void> {
    clearInterval(ticker);
    slowAbort.abort();
    await slowDone;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cache.close();
    clients.dispose();
    try {
      await db.query(`drop table if exists ${tables.products}, ${tables.orders}`);
    } finally {
      await db.close();
    }
  }
}
