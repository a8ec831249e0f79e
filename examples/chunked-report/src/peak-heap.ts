// Peak heap while a function runs: a 1 ms sampler plus explicit sample points.
import v8 from 'node:v8';

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') throw new Error('run with node --expose-gc (tsx: NODE_OPTIONS=--expose-gc)');
  gc();
  gc();
}

export interface PeakHeap<T> {
  readonly result: T;
  /** Highest heap used above the post-GC baseline, in bytes. */
  readonly peakBytes: number;
  readonly ms: number;
}

/** Runs `fn`, sampling the heap every millisecond; `sample()` lets `fn` add its own points. */
export async function measurePeakHeap<T>(fn: (sample: () => void) => Promise<T>): Promise<PeakHeap<T>> {
  collect();
  const baseline = v8.getHeapStatistics().used_heap_size;
  let peak = baseline;
  const sample = (): void => {
    const used = v8.getHeapStatistics().used_heap_size;
    if (used > peak) peak = used;
  };
  const timer = setInterval(sample, 1);
  const start = performance.now();
  try {
    const result = await fn(sample);
    sample();
    return { result, peakBytes: peak - baseline, ms: performance.now() - start };
  } finally {
    clearInterval(timer);
  }
}
