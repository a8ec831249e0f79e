import v8 from 'node:v8';
import {
  listPrimitives,
  type PrimitiveStats,
  validateBoolean,
  validateNumber,
  validateOptions,
} from '@leakproof/core';
import { heapAfterGc } from './heap-after-gc.js';

/** A live primitive as {@link memoryStatus} reports it: plain data, ready for JSON. */
export interface PrimitiveStatus {
  readonly id: number;
  readonly kind: string;
  readonly name: string;
  readonly stats: PrimitiveStats;
}

/** Memory health of the process at one instant. Every size is in bytes. */
export interface MemoryStatus {
  /** V8 heap in use (live objects plus garbage not yet collected). */
  readonly heapUsed: number;
  /**
   * Heap used right after the most recent major collection V8 ran on its own, young generation
   * left out: the floor a leak raises, free of the garbage sawtooth. `null` until a major collection was observed, and
   * when nothing in the process observes them (`memoryStatusHandler`, `watchMemory` and
   * `registerMetrics` do).
   */
  readonly heapAfterGc: number | null;
  /** When `heapAfterGc` was read (ms since the epoch), or `null`. */
  readonly heapAfterGcAt: number | null;
  /** V8 heap reserved. */
  readonly heapTotal: number;
  /** V8's heap limit (`--max-old-space-size` or its default). */
  readonly heapLimit: number;
  /** Resident set size of the process. */
  readonly rss: number;
  /** Memory of C++ objects bound to JavaScript objects, `ArrayBuffer`s included. */
  readonly external: number;
  /** Memory of `ArrayBuffer`s and `SharedArrayBuffer`s (also counted in `external`). */
  readonly arrayBuffers: number;
  /** The container's (cgroup) memory limit, or `null` when there is none. */
  readonly containerLimit: number | null;
  /** The smaller of `heapLimit` and `containerLimit`. */
  readonly effectiveLimit: number;
  /** Which limit is the effective one. */
  readonly limitedBy: 'heap' | 'container';
  /**
   * How close the process is to a limit, 0..1 (may exceed 1 briefly): the larger of
   * `heapUsed / heapLimit` and `rss / containerLimit`. Each usage is compared with the
   * limit that governs it: V8 aborts on its heap limit, the kernel kills on the cgroup's.
   */
  readonly pressure: number;
  /** Every live leakproof primitive in core's registry, with its `stats()`. */
  readonly primitives: readonly PrimitiveStatus[];
  /** When the figures were read (ms since the epoch). */
  readonly timestamp: number;
}

/** Options of {@link memoryStatus}. */
export interface MemoryStatusOptions {
  /**
   * Overrides the container limit that `process.constrainedMemory()` reports, in bytes
   * (`0` means none). For tests, and for platforms where Node cannot read the cgroup.
   */
  readonly containerLimit?: number | undefined;
  /** Include the registry's primitives. @default true */
  readonly primitives?: boolean | undefined;
}

// cgroup v1 reports "no limit" as a page-aligned 2^63-ish number, cgroup v2 and Node as 2^64 or 0.
const NO_LIMIT_ABOVE = 2 ** 60;

/** @internal The container limit in bytes, or null when there is none. */
export function readContainerLimit(override?: number): number | null {
  const value =
    override ??
    (typeof process.constrainedMemory === 'function'
      ? (process.constrainedMemory() as number | undefined)
      : undefined);
  if (value === undefined || !Number.isFinite(value) || value <= 0 || value >= NO_LIMIT_ABOVE) return null;
  return value;
}

/** @internal Pressure from raw figures; shared with the watcher and the governor. */
export function pressureOf(
  heapUsed: number,
  heapLimit: number,
  rss: number,
  containerLimit: number | null,
): number {
  const heap = heapUsed / heapLimit;
  return containerLimit === null ? heap : Math.max(heap, rss / containerLimit);
}

/** @internal Reads the current pressure cheaply (no registry walk). */
export function currentPressure(containerLimitOverride?: number): number {
  const usage = process.memoryUsage();
  return pressureOf(
    usage.heapUsed,
    v8.getHeapStatistics().heap_size_limit,
    usage.rss,
    readContainerLimit(containerLimitOverride),
  );
}

const STATUS_OPTIONS = ['containerLimit', 'primitives'] as const;

/**
 * Reads the memory health of the process: heap, RSS, external and array-buffer memory, the
 * effective limit (V8's heap limit or the container's, whichever is smaller), a pressure
 * ratio, and every live leakproof primitive with its stats. No collection is forced.
 *
 * @example
 * ```ts
 * const { pressure, effectiveLimit, primitives } = memoryStatus();
 * if (pressure > 0.9) logger.warn({ effectiveLimit, primitives }, 'memory pressure');
 * ```
 */
export function memoryStatus(options?: MemoryStatusOptions): MemoryStatus {
  const opts = validateOptions<MemoryStatusOptions>(options, 'options', STATUS_OPTIONS, {
    owner: 'memoryStatus',
  });
  const override =
    opts.containerLimit === undefined
      ? undefined
      : validateNumber(opts.containerLimit, 'options.containerLimit', 0, Number.MAX_VALUE);
  const withPrimitives =
    opts.primitives === undefined ? true : validateBoolean(opts.primitives, 'options.primitives');
  const usage = process.memoryUsage();
  const heapLimit = v8.getHeapStatistics().heap_size_limit;
  const containerLimit = readContainerLimit(override);
  const afterGc = heapAfterGc();
  const limitedBy = containerLimit !== null && containerLimit < heapLimit ? 'container' : 'heap';
  const primitives = !withPrimitives
    ? []
    : listPrimitives().map(({ id, kind, name, stats }) => ({ id, kind, name, stats }));
  return {
    heapUsed: usage.heapUsed,
    heapAfterGc: afterGc === undefined ? null : afterGc.bytes,
    heapAfterGcAt: afterGc === undefined ? null : afterGc.at,
    heapTotal: usage.heapTotal,
    heapLimit,
    rss: usage.rss,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    containerLimit,
    effectiveLimit: limitedBy === 'container' ? containerLimit! : heapLimit,
    limitedBy,
    pressure: pressureOf(usage.heapUsed, heapLimit, usage.rss, containerLimit),
    primitives,
    timestamp: Date.now(),
  };
}
