import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import {
  createError,
  validateBoolean,
  validateFunction,
  validateInteger,
  validateNumber,
  validateOptions,
} from '@leakproof/core';
import { gc } from '../gc.js';
import type { Operation } from '../measure-growth.js';
import { type InspectorSession, type SamplingHeapProfile, withProfiler } from './inspector.js';
import { rankGrowingSites } from './rank.js';
import { findRetainers, type RetainerPath } from './retainers.js';
import { readSites, type SiteReading, type StackFrame } from './sites.js';

/** Options of {@link findLeaks}. */
export interface FindLeaksOptions {
  /**
   * Operations measured under the profiler, run in four equal batches with a forced
   * collection and a profile read after each. One more batch runs first under the profiler
   * and is not analysed (V8 may still be swapping optimised code).
   * @default 40000
   */
  readonly ops?: number | undefined;
  /**
   * Operations run first, before the profiler starts, so caches fill to their bound and
   * pools to their size: what a structure keeps at steady state is not a leak.
   * @default ops / 4
   */
  readonly warmupOps?: number | undefined;
  /**
   * Average bytes between two samples of V8's sampling heap profiler. Smaller finds smaller
   * leaks and costs more time: a site is reported once it grew by two intervals.
   * @default 32768
   */
  readonly samplingInterval?: number | undefined;
  /** Sites growing slower than this, in bytes per operation, are left out. @default 0 */
  readonly minBytesPerOp?: number | undefined;
  /** How many sites to report, largest first. @default 10 */
  readonly top?: number | undefined;
  /**
   * Also find what holds each site's memory: the shortest path from a GC root to one of its
   * objects, from a heap snapshot taken after a short run with allocation tracking. Costs a
   * snapshot (seconds, and a peak of several times the heap) — see the README.
   * @default false
   */
  readonly retainers?: boolean | undefined;
  /**
   * Let V8 inline functions while profiling. Inlined code is attributed to the function it
   * was inlined into, so by default inlining is turned off for the run (and every function
   * is deoptimised first): the allocating function appears in its own frame.
   * @default false
   */
  readonly inlining?: boolean | undefined;
}

/** An allocation site whose retained memory grows with operations. */
export interface LeakSite {
  /** The allocating function: the innermost frame in code someone wrote. */
  readonly frame: StackFrame;
  /** `frame` as `name (file:line:column)`. */
  readonly location: string;
  /** The whole allocating stack, innermost first. */
  readonly stack: readonly StackFrame[];
  /** Retained bytes added per operation. */
  readonly bytesPerOp: number;
  /** Retained objects added per operation (estimated from the samples). */
  readonly objectsPerOp: number;
  /** Bytes allocated here under the profiler and still alive at the end (estimated). */
  readonly retainedBytes: number;
  /** Objects allocated here under the profiler and still alive at the end (estimated). */
  readonly retainedObjects: number;
  /** What holds it, when `retainers: true` found a path. */
  readonly retainers?: RetainerPath | undefined;
}

/** What {@link findLeaks} found. */
export interface LeakReport {
  /** Growing sites, largest growth per operation first; empty when nothing grows. */
  readonly sites: readonly LeakSite[];
  /** Operations measured under the profiler. */
  readonly ops: number;
  readonly warmupOps: number;
  readonly samplingInterval: number;
  /** Wall time of the whole run, in ms. */
  readonly durationMs: number;
  /** The last profile, as Chrome DevTools opens it (save it as a `.heapprofile` file). */
  readonly profile: SamplingHeapProfile;
}

const BATCHES = 4;

const FIND_LEAKS_OPTIONS = [
  'ops',
  'warmupOps',
  'samplingInterval',
  'minBytesPerOp',
  'top',
  'retainers',
  'inlining',
];

/** @internal Validated options. */
export interface ResolvedFindLeaksOptions {
  readonly ops: number;
  readonly warmupOps: number;
  readonly samplingInterval: number;
  readonly minBytesPerOp: number;
  readonly top: number;
  readonly retainers: boolean;
  readonly inlining: boolean;
}

/** @internal */
export function resolveFindLeaksOptions(options: FindLeaksOptions | undefined): ResolvedFindLeaksOptions {
  const o = validateOptions<FindLeaksOptions>(options, 'options', FIND_LEAKS_OPTIONS, { owner: 'findLeaks' });
  const ops =
    o.ops === undefined ? 40_000 : validateInteger(o.ops, 'options.ops', { min: BATCHES, max: 1e9 });
  return {
    ops,
    warmupOps:
      o.warmupOps === undefined
        ? Math.ceil(ops / BATCHES)
        : validateInteger(o.warmupOps, 'options.warmupOps', { min: 0, max: 1e9 }),
    samplingInterval:
      o.samplingInterval === undefined
        ? 32_768
        : validateInteger(o.samplingInterval, 'options.samplingInterval', { min: 64, max: 2 ** 30 }),
    minBytesPerOp:
      o.minBytesPerOp === undefined
        ? 0
        : validateNumber(o.minBytesPerOp, 'options.minBytesPerOp', 0, Number.MAX_SAFE_INTEGER),
    top: o.top === undefined ? 10 : validateInteger(o.top, 'options.top', { min: 1, max: 1000 }),
    retainers: o.retainers === undefined ? false : validateBoolean(o.retainers, 'options.retainers'),
    inlining: o.inlining === undefined ? false : validateBoolean(o.inlining, 'options.inlining'),
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs the operations. Its name marks where the caller's stack ends: frames from here
 * outward are this package's and are cut from every reported stack.
 */
async function leakproofRunOperations(
  fn: Operation,
  count: number,
  counter: { index: number },
): Promise<void> {
  for (let k = 0; k < count; k++) {
    const result = fn(counter.index++);
    if (isThenable(result)) await result;
  }
}

/** Lets finalizers and pending callbacks run, then collects twice. */
async function settle(): Promise<void> {
  await nextMacrotask();
  gc();
  gc();
}

/** Whether inlining was turned off on the command line, so it must stay off. */
const inliningOffAtStart = process.execArgv.some((a) => /^--no[-_]turbo[-_]inlining$/.test(a));

/**
 * Turns inlining off and throws every optimised function's code away (enabling the
 * debugger deoptimises everything), so code compiled from here on keeps each function in its
 * own frame. Returns the scripts the debugger announced, id → URL, for the retainer paths.
 */
async function deoptimiseAll(session: InspectorSession): Promise<Map<string, string>> {
  setFlagsFromString('--no-turbo-inlining');
  setFlagsFromString('--no-maglev-inlining');
  return collectScripts(session);
}

async function collectScripts(session: InspectorSession): Promise<Map<string, string>> {
  const scripts = new Map<string, string>();
  const onScript = (message: { params: unknown }): void => {
    const { scriptId, url } = message.params as { scriptId: string; url: string };
    if (url) scripts.set(scriptId, url);
  };
  session.on('Debugger.scriptParsed', onScript);
  try {
    await session.post('Debugger.enable');
    await session.post('Debugger.disable');
  } finally {
    session.off('Debugger.scriptParsed', onScript);
  }
  return scripts;
}

/** @internal What the CLI shows while a profile runs. */
export type FindLeaksProgress = (
  phase: 'warmup' | 'profile' | 'retainers',
  done: number,
  total: number,
) => void;

/** @internal Runs the profile with validated options. */
export async function runFindLeaks(
  fn: Operation,
  o: ResolvedFindLeaksOptions,
  progress: FindLeaksProgress = () => {},
): Promise<LeakReport> {
  const started = performance.now();
  const counter = { index: 0 };
  const run = (count: number): Promise<void> => leakproofRunOperations(fn, count, counter);
  const outcome = await withProfiler(async (session) => {
    const scripts = o.inlining ? undefined : await deoptimiseAll(session);
    try {
      progress('warmup', 0, o.warmupOps);
      await run(o.warmupOps);
      await settle();
      await session.post('HeapProfiler.enable');
      const batch = Math.floor(o.ops / BATCHES);
      const readings: Map<string, SiteReading>[] = [];
      const xs: number[] = [];
      let profile: SamplingHeapProfile | undefined;
      await session.post('HeapProfiler.startSampling', { samplingInterval: o.samplingInterval });
      try {
        // A first batch under the profiler is not analysed: right after the deoptimisation,
        // V8 may still install optimised code compiled earlier (with inlining), and what it
        // allocates is filed under the inlining function, where it stays.
        progress('profile', 0, BATCHES + 1);
        await run(batch);
        for (let b = 1; b <= BATCHES; b++) {
          progress('profile', b, BATCHES + 1);
          await run(b === BATCHES ? o.ops - batch * (BATCHES - 1) : batch);
          await settle();
          ({ profile } = await session.post<{ profile: SamplingHeapProfile }>(
            'HeapProfiler.getSamplingProfile',
          ));
          readings.push(readSites(profile, o.samplingInterval));
          xs.push(b === BATCHES ? o.ops : b * batch);
        }
      } finally {
        await session.post('HeapProfiler.stopSampling').catch(() => undefined);
      }
      const growing = rankGrowingSites(readings, xs, {
        minGrowthBytes: 2 * o.samplingInterval,
        top: o.top,
      }).filter((s) => s.bytesPerUnit >= o.minBytesPerOp);
      let sites: LeakSite[] = growing.map((s) => ({
        frame: s.frame,
        location: formatLocation(s.frame),
        stack: s.stack,
        bytesPerOp: s.bytesPerUnit,
        objectsPerOp: s.objectsPerUnit,
        retainedBytes: s.liveBytes,
        retainedObjects: Math.round(s.liveObjects),
      }));
      if (o.retainers && sites.length > 0) {
        progress('retainers', 0, 1);
        const paths = await findRetainers(session, sites, {
          run,
          ops: Math.max(1, Math.min(batch, 1_000)),
          scripts: scripts ?? (await collectScripts(session)),
          runnerUrl: runnerUrl(profile!),
        });
        sites = sites.map((site, i) => ({ ...site, retainers: paths[i] }));
      }
      return { sites, profile: profile! };
    } finally {
      await session.post('HeapProfiler.disable').catch(() => undefined);
      if (!o.inlining && !inliningOffAtStart) setFlagsFromString('--turbo-inlining');
    }
  });
  if (outcome === undefined) {
    throw createError('ERR_PROFILER_BUSY');
  }
  return {
    sites: outcome.value.sites,
    ops: o.ops,
    warmupOps: o.warmupOps,
    samplingInterval: o.samplingInterval,
    durationMs: performance.now() - started,
    profile: outcome.value.profile,
  };
}

/** Where {@link leakproofRunOperations} is, as a path (the built file, or this one from source). */
function runnerUrl(profile: SamplingHeapProfile): string | undefined {
  const stack = [profile.head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.callFrame.functionName === 'leakproofRunOperations') {
      const url = node.callFrame.url;
      return url.startsWith('file://') ? fileURLToPath(url) : url;
    }
    stack.push(...node.children);
  }
  return undefined;
}

function formatLocation(frame: StackFrame): string {
  return frame.url === ''
    ? frame.functionName
    : `${frame.functionName} (${frame.url}:${frame.line}:${frame.column})`;
}

/**
 * Finds the code that allocates the memory `fn` leaks. Runs `fn` (sync or async; it receives
 * the running operation index) for a warm-up, then under V8's sampling heap profiler in four
 * batches, forcing a collection after each, and reports the allocation sites whose live
 * memory grows with operations — with the allocating stack, bytes and objects per operation,
 * and, with `retainers: true`, the path that holds them. Needs no native addon: the profiler
 * is reached through `node:inspector`.
 *
 * @example
 * ```ts
 * const report = await findLeaks((i) => handler(fakeRequest(i)));
 * report.sites[0]?.location; // 'createSession (src/sessions.ts:14:25)'
 * report.sites[0]?.bytesPerOp; // ≈ 180
 * ```
 */
export async function findLeaks(fn: Operation, options?: FindLeaksOptions): Promise<LeakReport> {
  validateFunction(fn, 'fn');
  return runFindLeaks(fn, resolveFindLeaksOptions(options));
}
