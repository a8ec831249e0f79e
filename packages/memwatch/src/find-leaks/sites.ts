import { fileURLToPath } from 'node:url';
import type { SamplingHeapProfile, SamplingHeapProfileNode } from './inspector.js';
import { originalPosition } from './source-maps.js';

/** One frame of an allocating stack. `line` and `column` are 1-based: where the function is defined. */
export interface StackFrame {
  /** The function's name; `(anonymous)` for an unnamed function, `(top level)` for a module's or script's body. */
  readonly functionName: string;
  /** The script's URL or path (`file:///…` URLs are given as paths); empty for built-ins. */
  readonly url: string;
  readonly line: number;
  readonly column: number;
}

/** What one profile says about one allocation site. */
export interface SiteReading {
  readonly key: string;
  readonly stack: readonly StackFrame[];
  /** Bytes the live samples stand for. */
  bytes: number;
  /** Estimated live objects. */
  objects: number;
  /** Ordinals of the live samples. */
  readonly ordinals: Set<number>;
  /** Bytes per ordinal, to weigh a subset of the samples. */
  readonly sampleBytes: Map<number, number>;
}

/** The function that calls the measured operation: it and the frames outside it are ours. */
const RUNNER = 'leakproofRunOperations';

function toFrame(callFrame: SamplingHeapProfileNode['callFrame']): StackFrame {
  const { url, lineNumber, columnNumber } = callFrame;
  let name = callFrame.functionName;
  if (name === '')
    name = url !== '' && lineNumber === 0 && columnNumber === 0 ? '(top level)' : '(anonymous)';
  // TypeScript run through a loader: the position in the source, when Node has its map.
  const original = originalPosition(url, lineNumber, columnNumber);
  if (original !== undefined) {
    const frame = {
      functionName: name,
      url: displayUrl(original.url),
      line: original.line + 1,
      column: original.column + 1,
    };
    generated.set(frame, { line: lineNumber + 1, column: columnNumber + 1 });
    return frame;
  }
  return {
    functionName: name,
    url: displayUrl(url),
    line: lineNumber < 0 ? 0 : lineNumber + 1,
    column: columnNumber < 0 ? 0 : columnNumber + 1,
  };
}

/** Where V8 sees a frame whose position was mapped to its source: what allocation traces record. */
const generated = new WeakMap<StackFrame, { line: number; column: number }>();

/** @internal The frame's position in the code V8 runs (1-based). */
export function generatedPosition(frame: StackFrame): { line: number; column: number } {
  return generated.get(frame) ?? frame;
}

function displayUrl(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

/** `name (file:line:column)`, or the bare name for a built-in. */
export function formatFrame(frame: StackFrame): string {
  return frame.url === ''
    ? frame.functionName
    : `${frame.functionName} (${frame.url}:${frame.line}:${frame.column})`;
}

/** A frame in code someone wrote: not a built-in, not Node's own. */
export function isUserFrame(frame: StackFrame): boolean {
  return frame.url !== '' && !frame.url.startsWith('node:');
}

/**
 * Groups a profile's live samples by allocation site. A site is the allocating stack, leaf
 * first, from the innermost user frame outward: built-in and Node frames at its tip
 * (`repeat`, `Buffer.toString`) are dropped, so one function's allocations are not split by
 * which built-in made them. A stack with no user frame (V8's own "(GC)", "(V8 API)"...) is
 * kept whole.
 */
export function readSites(profile: SamplingHeapProfile, samplingInterval: number): Map<string, SiteReading> {
  const siteOfNode = new Map<number, { key: string; stack: StackFrame[] }>();
  const walk = (node: SamplingHeapProfileNode, parent: readonly StackFrame[]): void => {
    const name = node.callFrame.functionName;
    // The root and the tree's unnamed, URL-less top add no information.
    const skip = name === '(root)' || (name === '' && node.callFrame.url === '');
    const path = skip ? parent : [...parent, toFrame(node.callFrame)];
    if (node.selfSize > 0 || node.children.length === 0) {
      const leafFirst = [...path].reverse();
      // Frames at the tip that are not user code (built-ins, node:buffer...) are dropped:
      // the user function under them is what a reader can change.
      let tip = leafFirst.findIndex(isUserFrame);
      if (tip === -1) tip = 0;
      let end = leafFirst.findIndex((f) => f.functionName === RUNNER);
      if (end === -1) end = leafFirst.length;
      const stack = leafFirst.slice(tip, Math.max(end, tip + 1));
      const key = stack.map((f) => `${f.functionName}@${f.url}:${f.line}:${f.column}`).join('<');
      siteOfNode.set(node.id, { key, stack });
    }
    for (const child of node.children) walk(child, path);
  };
  walk(profile.head, []);
  const sites = new Map<string, SiteReading>();
  for (const sample of profile.samples) {
    const site = siteOfNode.get(sample.nodeId);
    if (site === undefined) continue;
    let reading = sites.get(site.key);
    if (reading === undefined) {
      reading = {
        key: site.key,
        stack: site.stack,
        bytes: 0,
        objects: 0,
        ordinals: new Set(),
        sampleBytes: new Map(),
      };
      sites.set(site.key, reading);
    }
    reading.bytes += sample.size;
    reading.objects += estimateObjects(sample.size, samplingInterval);
    reading.ordinals.add(sample.ordinal);
    reading.sampleBytes.set(sample.ordinal, sample.size);
  }
  return sites;
}

/**
 * How many objects one sample stands for. V8 scales a sample of an object of `s` bytes by
 * `1 / (1 - e^(-s/interval))`; the protocol reports only the product `v = s × scale`.
 * `s / (1 - e^(-s/interval))` grows with `s`, so `s` is found by bisection, and the count is `v / s`.
 */
export function estimateObjects(value: number, interval: number): number {
  if (!(value > interval)) return 1;
  let lo = 0;
  let hi = value;
  for (let k = 0; k < 48; k++) {
    const mid = (lo + hi) / 2;
    const scaled = mid / -Math.expm1(-mid / interval);
    if (scaled < value) lo = mid;
    else hi = mid;
  }
  const size = (lo + hi) / 2;
  return size > 0 ? value / size : 1;
}
