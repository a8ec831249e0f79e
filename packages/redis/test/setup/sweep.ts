// The TTL sweep: every key the redis tests write lives under TEST_PREFIX and must carry a TTL.
import { Redis } from 'ioredis';

/** Every test namespace starts with this, so the sweep finds what the suite wrote. */
export const TEST_PREFIX = 'lptest-';

/**
 * Scans `pattern` on one server and returns the keys that have no TTL (PTTL -1). Those
 * keys are then removed so a failed run does not leave immortal keys behind.
 */
export async function sweepImmortalKeys(url: string, pattern: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await immortalKeysOn(redis, pattern);
  } finally {
    redis.disconnect();
  }
}

/** SCAN + PTTL over one node: the keys matching `pattern` without a TTL (removed after being listed). */
export async function immortalKeysOn(redis: Redis, pattern: string): Promise<string[]> {
  const immortal: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.pttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      if (ttls[i]?.[1] === -1) immortal.push(key);
    });
  } while (cursor !== '0');
  for (const key of immortal) await redis.unlink(key);
  return immortal;
}
