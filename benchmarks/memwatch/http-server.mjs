// A small JSON service with the profiling route, for the overhead benchmark. Prints its port.
import http from 'node:http';
import { memoryProfileHandler } from '@leakproof/memwatch';

const profile = memoryProfileHandler({ token: 'benchmark-token-0123456789', maxSeconds: 60 });
let served = 0;

function render(i) {
  // What a typical handler allocates: a few objects, an array, a string of JSON (~3 KB).
  const items = Array.from({ length: 20 }, (_, k) => ({ id: i * 20 + k, name: `item ${k}`, price: k * 1.5 }));
  return JSON.stringify({ page: i, items, generatedAt: Date.now() });
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/status/memory/profile')) {
    void profile(req, res);
    return;
  }
  if (req.url === '/served') {
    res.end(String(served));
    return;
  }
  served++;
  res.setHeader('content-type', 'application/json');
  res.end(render(served));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
