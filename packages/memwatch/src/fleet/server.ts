import { createServer, type Server } from 'node:http';
import { fleetPage } from './page.js';
import type { FleetWatcher } from './watch-fleet.js';

/**
 * @internal The fleet page and its data: `GET /` serves the page, `GET /fleet.json` the
 * ranking (`?history=1` adds each service's samples). Nothing else is routed.
 */
export function createFleetServer(watcher: FleetWatcher, refreshMs: number): Server {
  const page = fleetPage(refreshMs);
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fleet.invalid');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/') {
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy':
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      });
      response.end(page);
    } else if (url.pathname === '/fleet.json') {
      const report = watcher.report({ history: url.searchParams.get('history') === '1' });
      response.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(JSON.stringify(report));
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
}
