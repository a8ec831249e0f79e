// A product-page service that caches every rendered page. Run it in a pod with a small
// heap (`node --max-old-space-size=48`): `plain` caches in a `Map` and dies of
// "JavaScript heap out of memory" after a few hundred distinct products; `leakproof`
// caches in a `BoundedMap` with a byte budget and keeps serving.
import { createServer } from 'node:http';
import { BoundedMap } from '@leakproof/cache';

/** Bytes of one rendered page: a real product page with its inline data is about this. */
export const PAGE_BYTES = 64 * 1024;
/** The leakproof cache's budget: a fixed share of the pod's memory, whatever the traffic. */
export const CACHE_BYTES = 8 * 2 ** 20;

export type Mode = 'plain' | 'leakproof';

function render(id: string): string {
  // Stands in for the template engine; a fresh string per render, like the real one.
  const body = Buffer.alloc(PAGE_BYTES, 97 + (id.length % 26)).toString('latin1');
  return `<!doctype html><title>Product ${id}</title><main>${body}</main>`;
}

/** The cache the service uses: the only line that differs between the two modes. */
export function createPageCache(mode: Mode): Map<string, string> {
  return mode === 'plain'
    ? new Map<string, string>()
    : new BoundedMap<string, string>({ maxBytes: CACHE_BYTES, sizeOf: (page) => page.length, name: 'pages' });
}

const mode: Mode = process.argv[2] === 'leakproof' ? 'leakproof' : 'plain';
const pages = createPageCache(mode);

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/status') {
    const { heapUsed, heapTotal, rss } = process.memoryUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ mode, cachedPages: pages.size, heapUsed, heapTotal, rss }));
    return;
  }
  const id = url.pathname.slice('/product/'.length);
  let page = pages.get(id);
  if (page === undefined) {
    page = render(id);
    pages.set(id, page);
  }
  res.setHeader('content-type', 'text/html');
  res.end(page);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`listening ${port}\n`);
});
// The parent closing our stdin is the signal to stop (no orphan server if it dies).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
