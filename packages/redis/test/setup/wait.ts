/**
 * Polls `condition` every 5 ms until it holds; fails with `what` (a string, or a function
 * read at failure time for the state then) after `timeoutMs` — a safety net, not a timing
 * assertion.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for: ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Reads `key` until `cache`'s L1 holds it. A read that races an invalidation (the write's
 * own, which Redis delivers on the tracking connection some time after the write) is,
 * rightly, not kept: so one read is not enough, under load.
 */
export async function readIntoL1(
  cache: { get(key: string): Promise<unknown>; getLocal(key: string): unknown },
  key: string,
): Promise<void> {
  await waitFor(async () => {
    await cache.get(key);
    return cache.getLocal(key) !== undefined;
  }, `L1 to hold ${key}`);
}
