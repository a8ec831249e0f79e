import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { gc } from '../gc.js';
import type { InspectorSession, SamplingHeapProfile } from './inspector.js';
import { type GrowingSite, rankGrowingSites } from './rank.js';
import { formatFrame, readSites, type SiteReading, type StackFrame } from './sites.js';

/** A site as the profiling route reports it: JSON-ready. */
export interface ProfiledSite {
  /** The allocating function, `name (file:line:column)`. */
  readonly location: string;
  /** The allocating stack, innermost first, each frame as `name (file:line:column)`. */
  readonly stack: readonly string[];
  /** Growth of the site's live bytes, per second. */
  readonly bytesPerSecond: number;
  /** Growth of the site's estimated live objects, per second. */
  readonly objectsPerSecond: number;
  /** Bytes sampled at this site and still alive at the end. */
  readonly liveBytes: number;
  /** Estimated objects allocated here during the window and alive at the end. */
  readonly liveObjects: number;
}

/** What a profiling window found. */
export interface ProfileWindow {
  /** Sites whose live memory grew through the window, fastest first. */
  readonly growing: readonly ProfiledSite[];
  /** Sites holding the most memory allocated during the window and alive at its end. */
  readonly live: readonly ProfiledSite[];
  /** The last profile, which Chrome DevTools opens as a `.heapprofile`. */
  readonly profile: SamplingHeapProfile;
}

const CHECKPOINTS = 4;

function toProfiled(
  site: Pick<GrowingSite, 'frame' | 'stack' | 'liveBytes' | 'liveObjects'> & Partial<GrowingSite>,
): ProfiledSite {
  return {
    location: formatFrame(site.frame),
    stack: site.stack.map(formatFrame),
    bytesPerSecond: site.bytesPerUnit ?? 0,
    objectsPerSecond: site.objectsPerUnit ?? 0,
    liveBytes: site.liveBytes,
    liveObjects: Math.round(site.liveObjects),
  };
}

function firstUserFrame(stack: readonly StackFrame[]): StackFrame {
  return stack.find((f) => f.url !== '' && !f.url.startsWith('node:')) ?? stack[0]!;
}

/**
 * Samples for `ms` milliseconds, reading the profile at four checkpoints, and ranks what
 * grew. `wait(ms)` resolves after the delay or rejects when the window is abandoned.
 */
export async function profileWindow(
  session: InspectorSession,
  o: {
    ms: number;
    samplingInterval: number;
    collect: boolean;
    top: number;
    wait: (ms: number) => Promise<void>;
  },
): Promise<ProfileWindow> {
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: o.samplingInterval });
  try {
    const readings: Map<string, SiteReading>[] = [];
    const xs: number[] = [];
    let profile: SamplingHeapProfile | undefined;
    const started = performance.now();
    for (let c = 1; c <= CHECKPOINTS; c++) {
      await o.wait(started + (o.ms * c) / CHECKPOINTS - performance.now());
      if (o.collect) {
        await nextMacrotask();
        gc();
      }
      ({ profile } = await session.post<{ profile: SamplingHeapProfile }>('HeapProfiler.getSamplingProfile'));
      readings.push(readSites(profile, o.samplingInterval));
      xs.push((performance.now() - started) / 1000);
    }
    const growing = rankGrowingSites(readings, xs, { minGrowthBytes: 2 * o.samplingInterval, top: o.top });
    const last = readings[readings.length - 1]!;
    const live = [...last.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, o.top)
      .map((r) =>
        toProfiled({
          frame: firstUserFrame(r.stack),
          stack: r.stack,
          liveBytes: r.bytes,
          liveObjects: r.objects,
        }),
      );
    return { growing: growing.map(toProfiled), live, profile: profile! };
  } finally {
    await session.post('HeapProfiler.stopSampling').catch(() => undefined);
    await session.post('HeapProfiler.disable').catch(() => undefined);
  }
}
