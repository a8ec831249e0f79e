import { constants, PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The heap left after the most recent major collection V8 ran on its own. */
export interface HeapAfterGc {
  /** Heap used right after the collection, young generation left out, in bytes. */
  readonly bytes: number;
  /** When it was read, in ms since the epoch. */
  readonly at: number;
  /** Major collections observed since tracking started. */
  readonly count: number;
}

const YOUNG = new Set(['new_space', 'new_large_object_space']);

/**
 * @internal The heap in use, young generation left out. A major collection empties the young
 * generation too, but by the time an observer runs, the program has refilled it with fresh
 * garbage: under load that is megabytes of noise on a floor that moves by kilobytes.
 */
export function oldGenerationUsed(): number {
  let used = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (!YOUNG.has(space.space_name)) used += space.space_used_size;
  }
  return used;
}

// One observer for the whole process, shared by every user (watchers, the status handler, the
// metrics), started by the first and stopped by the last: a GC entry costs one callback each.
let observer: PerformanceObserver | undefined;
let users = 0;
let latest: HeapAfterGc | undefined;
let count = 0;

function start(): void {
  latest = undefined;
  count = 0;
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number | undefined } | undefined }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        count++;
        // Entries arrive in a batch after the collection: read once per batch, what is left now.
        latest = { bytes: oldGenerationUsed(), at: Date.now(), count };
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
}

/**
 * @internal Starts observing major collections (if nobody does yet) and returns the function
 * that stops this user's interest. Idempotent release; the observer never keeps a process alive.
 */
export function trackHeapAfterGc(): () => void {
  if (users++ === 0) start();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--users === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  };
}

/** @internal The latest reading, or `undefined` when nobody tracks or no major collection ran yet. */
export function heapAfterGc(): HeapAfterGc | undefined {
  return observer === undefined ? undefined : latest;
}

/** @internal How many users track collections now (tests). */
export function heapAfterGcUsers(): number {
  return users;
}
