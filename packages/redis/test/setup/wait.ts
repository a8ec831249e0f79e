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
