// The second process of the propagation benchmark: a TieredCache that reports, over IPC,
// when each invalidation arrives. Started by run.mjs.
import diagnostics_channel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { RedisCache, TieredCache } from '@leakproof/redis';

const l2 = new RedisCache({ redis: process.env.REDIS_URL, namespace: process.env.NAMESPACE, ttl: 60_000 });
const cache = new TieredCache({ l1: { max: 1000 }, l2 });

diagnostics_channel.subscribe('leakproof:redis:invalidation-received', ({ keys }) => {
  process.send({ event: 'invalidated', key: keys?.[0], at: performance.timeOrigin + performance.now() });
});

process.on('message', async (message) => {
  if (message === 'close') {
    await cache.close();
    await l2.close();
    process.disconnect();
  }
});

const ready = setInterval(() => {
  if (cache.l1Active) {
    clearInterval(ready);
    process.send({ event: 'ready' });
  }
}, 5);
