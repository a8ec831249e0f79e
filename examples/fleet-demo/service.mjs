#!/usr/bin/env node
// One small HTTP service of the fleet demo: an order lookup with a bounded cache, and
// `/status/memory`. With `--leak-bytes-per-second N` it also keeps a little of every request
// forever (an audit log nobody trims), about N bytes per second of uptime: the seeded leak.
//
//   node examples/fleet-demo/service.mjs --name orders [--port 0] [--leak-bytes-per-second 10000]
//
// Prints one JSON line `{"name","port"}` when it listens; stops on SIGTERM/SIGINT.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { BoundedMap } from '@leakproof/cache';
import { memoryStatusHandler } from '@leakproof/memwatch';

const { values } = parseArgs({
  options: {
    name: { type: 'string', default: 'service' },
    port: { type: 'string', default: '0' },
    'leak-bytes-per-second': { type: 'string', default: '0' },
  },
});
const name = values.name;
const leakRate = Number(values['leak-bytes-per-second']);
if (!Number.isFinite(leakRate) || leakRate < 0) throw new RangeError('--leak-bytes-per-second: a number ≥ 0');

const orders = new BoundedMap({ max: 2000, name: `${name}-orders` });
const status = memoryStatusHandler({ space: 0 });
const startedAt = Date.now();

// The leak: each request may append one entry; the rate limit makes the figure a known one.
// An entry is an object holding a 113-element array: about 1 KB of heap on Node 20 (measured
// after forced collections, the log's own slot included). A padded string would not do: V8
// shares the padding, and such a "1 KB" entry costs about half that.
const auditLog = [];
let leaked = 0;
const ENTRY_BYTES = 1024;

function lookup(id) {
  let order = orders.get(id);
  if (order === undefined) {
    order = {
      id,
      customer: `customer-${id % 997}`,
      lines: Array.from({ length: 1 + (id % 5) }, (_, i) => ({
        sku: `sku-${(id * 7 + i) % 1000}`,
        qty: 1 + i,
      })),
      placedAt: new Date(startedAt - id * 1000).toISOString(),
    };
    orders.set(id, order);
  }
  return order;
}

const server = createServer((req, res) => {
  if (req.url === '/status/memory') {
    status(req, res);
    return;
  }
  const id = Math.floor(Math.random() * 5000);
  const body = JSON.stringify(lookup(id));
  if (leakRate > 0 && leaked + ENTRY_BYTES <= (leakRate * (Date.now() - startedAt)) / 1000) {
    auditLog.push({ at: Date.now(), url: req.url, payload: new Array(113).fill(auditLog.length) });
    leaked += ENTRY_BYTES;
  }
  res.setHeader('content-type', 'application/json');
  res.end(body);
});

server.keepAliveTimeout = 5000;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ name, port: server.address().port })}\n`);
});
const stop = () => {
  server.close();
  server.closeAllConnections();
  orders.dispose();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
