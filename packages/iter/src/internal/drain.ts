import type { Stage } from '../stage.js';

/**
 * Reads `stage` to the end, calling `onItem` for each item. When `onItem` throws, the
 * stage is closed (its source's `finally` has run) before the error propagates.
 */
export async function drain<T>(stage: Stage<T>, onItem: ((item: T) => void) | undefined): Promise<void> {
  for (;;) {
    const result = await stage.next();
    if (result.done === true) return;
    if (onItem === undefined) continue;
    try {
      onItem(result.value);
    } catch (error) {
      await stage.return(undefined).catch(() => {});
      throw error;
    }
  }
}
