// Keep-alive load on one URL for a fixed time: prints the requests completed.
// Usage: node http-load.mjs <url> <seconds> <concurrency>
import http from 'node:http';

const [url, seconds, concurrency] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const deadline = Date.now() + Number(seconds) * 1000;
let done = 0;

function once() {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

async function worker() {
  while (Date.now() < deadline) {
    await once();
    done++;
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, worker));
agent.destroy();
process.stdout.write(`${done}\n`);
