// The other process of scene 7: keeps updating a hot set of products in the shared cache.
// Plain: writes Redis only (nobody tells the other process). Leakproof: writes through its
// own TieredCache, which tells every other process to drop its L1 copy.
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisCache, TieredCache } from '@leakproof/redis';

const [variant, namespace, hotArg] = process.argv.slice(2);
const hot = Number(hotArg);
const l2 = new RedisCache({ redis: process.env.REDIS_URL, namespace, ttl: 60_000, name: 'gallery-peer-l2' });
const writer = variant === 'leakproof' ? new TieredCache({ l1: { max: 100 }, l2, name: 'gallery-peer' }) : l2;

let running = true;
process.on('message', (message) => {
  if (message === 'stop') running = false;
});

let version = 0;
const write = (k) =>
  writer.set(`hot:${k}`, { id: k, version: ++version, price: version % 1000, at: Date.now() });
for (let k = 0; k < hot; k++) await write(k);
process.send('ready');
while (running) {
  await write(version % hot);
  await sleep(5);
}
if (writer !== l2) await writer.close();
await l2.close();
process.send({ writes: version }, () => process.exit(0));
