// Plain JavaScript against @leakproof/redis (ioredis installed). REDIS_URL, default 127.0.0.1:6379.
import { RedisCache } from '@leakproof/redis';

const check = (ok, what) => {
  if (!ok) throw new Error(`@leakproof/redis: ${what}`);
};

async function main() {
  const cache = new RedisCache({
    redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    namespace: `leakproof-consumer-js-${process.pid}-${Date.now()}`,
    ttl: 60_000,
  });
  try {
    await cache.set('k', { v: 1 });
    check((await cache.get('k'))?.v === 1, 'set is read back');
    await cache.delete('k');
  } finally {
    await cache[Symbol.asyncDispose]();
  }
}

main().then(
  () => console.log('ok @leakproof/redis'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
