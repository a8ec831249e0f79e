import { theilSen } from '../statistics.js';
import { isUserFrame, type SiteReading, type StackFrame } from './sites.js';

/** A site whose live memory grows, in units of the checkpoints' x axis (operations or seconds). */
export interface GrowingSite {
  /** The innermost frame in code someone wrote (the allocating function), or the leaf frame. */
  readonly frame: StackFrame;
  /** The allocating stack, innermost frame first. */
  readonly stack: readonly StackFrame[];
  /** Growth of the site's live bytes per unit of x (Theil–Sen over the checkpoints). */
  readonly bytesPerUnit: number;
  /** Growth of the site's estimated live objects per unit of x. */
  readonly objectsPerUnit: number;
  /** Live bytes sampled at this site at the last checkpoint. */
  readonly liveBytes: number;
  /** Estimated live objects at this site at the last checkpoint. */
  readonly liveObjects: number;
  /** Bytes allocated before the first checkpoint and still alive at the last. */
  readonly survivingBytes: number;
}

/** Share of a site's live bytes at the first checkpoint that must still be alive at the last. */
const SURVIVING_SHARE = 0.5;

export interface RankOptions {
  /** Smallest growth between the first and last checkpoint that counts, in bytes. */
  readonly minGrowthBytes: number;
  readonly top: number;
}

/**
 * Ranks the sites that grow across the checkpoints. A site counts when three signals
 * agree: its live bytes have a positive robust slope, they grew by at least
 * `minGrowthBytes` from the first checkpoint to the last and still grew in the second half,
 * and at least half of what it held at the first checkpoint is still alive at the last —
 * memory that churns (a bounded cache at steady state, a pool's per-request garbage) is
 * replaced, so its early samples die; leaked memory keeps them.
 */
export function rankGrowingSites(
  checkpoints: readonly ReadonlyMap<string, SiteReading>[],
  xs: readonly number[],
  options: RankOptions,
): GrowingSite[] {
  const first = checkpoints[0]!;
  const last = checkpoints[checkpoints.length - 1]!;
  const middle = checkpoints[Math.floor((checkpoints.length - 1) / 2)]!;
  const found: GrowingSite[] = [];
  for (const [key, end] of last) {
    const ys = checkpoints.map((c) => c.get(key)?.bytes ?? 0);
    const growth = end.bytes - ys[0]!;
    if (growth < options.minGrowthBytes) continue;
    if (end.bytes <= (middle.get(key)?.bytes ?? 0)) continue;
    const { slope } = theilSen(xs, ys);
    if (!(slope > 0)) continue;
    let survivingBytes = 0;
    const start = first.get(key);
    if (start !== undefined) {
      for (const ordinal of start.ordinals) {
        if (end.ordinals.has(ordinal)) survivingBytes += end.sampleBytes.get(ordinal) ?? 0;
      }
    }
    // Most of it, not a few samples: a bounded structure may keep some early entries (a
    // frequency-based cache keeps its favourites) and still replace the rest.
    if (start === undefined || survivingBytes < SURVIVING_SHARE * start.bytes) continue;
    const objectSlope = theilSen(
      xs,
      checkpoints.map((c) => c.get(key)?.objects ?? 0),
    ).slope;
    found.push({
      frame: end.stack.find(isUserFrame) ?? end.stack[0]!,
      stack: end.stack,
      bytesPerUnit: slope,
      objectsPerUnit: Math.max(0, objectSlope),
      liveBytes: end.bytes,
      liveObjects: end.objects,
      survivingBytes,
    });
  }
  found.sort((a, b) => b.bytesPerUnit - a.bytesPerUnit);
  return found.slice(0, options.top);
}
