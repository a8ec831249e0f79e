// Runs once before every test project: makes sure a real Redis answers at REDIS_URL,
// starting a private one when none does and `redis-server` is on the PATH.
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_REDIS_URL,
  hasRedisServer,
  type PrivateRedis,
  redisAnswers,
  startPrivateRedis,
} from './services.js';

let started: PrivateRedis | undefined;

export async function setup(): Promise<void> {
  process.env.DATABASE_URL ??= DEFAULT_DATABASE_URL;
  const url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) {
    process.env.REDIS_URL = url;
    return;
  }
  if (!hasRedisServer()) {
    // Tests that need Redis fail with a message saying how to get it; the rest still run.
    process.env.LEAKPROOF_NO_REDIS = `No Redis answers at ${url} and redis-server is not on the PATH. Install it (apt-get install -y redis-server) or set REDIS_URL.`;
    return;
  }
  started = await startPrivateRedis();
  process.env.REDIS_URL = started.url;
}

export async function teardown(): Promise<void> {
  await started?.stop();
}
