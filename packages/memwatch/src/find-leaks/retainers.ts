import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { getHeapSnapshot } from 'node:v8';
import { gc } from '../gc.js';
import { HeapGraph, type RawHeapSnapshot, type TraceFrame } from './heap-snapshot.js';
import type { InspectorSession } from './inspector.js';
import { generatedPosition, type StackFrame } from './sites.js';
import { originalPosition } from './source-maps.js';

/** One holder on the way from a GC root to a leaked object. */
export interface RetainerStep {
  /** What holds the next step: `Map`, `Array`, `closure getProduct (src/app.ts:12:3)`, `(global)`... */
  readonly holder: string;
  /** How: a property name (`.sessions`), a closure variable (`sessions`), an index, or an internal slot. */
  readonly edge: string;
  /** The kind of edge, as V8 names it: `property`, `context`, `element`, `internal`, `hidden`. */
  readonly edgeType: string;
}

/** The shortest path from a GC root to one object allocated at a site. */
export interface RetainerPath {
  /** The object, as the snapshot names it (`Object`, `Array`, `(string)`...). */
  readonly object: string;
  /** Holders from the object outward: `steps[0]` holds the object, the last one is held by a root. */
  readonly steps: readonly RetainerStep[];
  /** One line: `Object ← Map "cache" in closure of getProduct (src/app.ts:12:3) ← …`. */
  readonly text: string;
}

interface SiteLike {
  readonly stack: readonly StackFrame[];
}

/** How many frames of the allocation stack must agree to take an object for the site's. */
const MATCH_DEPTH = 3;

function sameFrame(site: StackFrame, trace: TraceFrame): boolean {
  const at = generatedPosition(site);
  return (
    at.line === trace.line &&
    at.column === trace.column &&
    site.functionName.replace(/^\((anonymous|top level)\)$/, '') === trace.name
  );
}

/**
 * Whether an object allocated with stack `trace` is the site's. `skip` drops that many of
 * the site's innermost frames first: V8's allocation tracker records physical frames only,
 * so where the optimiser inlined the allocating function into its caller, the object's
 * trace starts at the caller.
 */
function matches(
  site: readonly StackFrame[],
  trace: readonly TraceFrame[],
  skip: number,
  scripts: ReadonlyMap<string, string>,
): boolean {
  // Allocation tracking records JS frames only; drop the site's built-in ones.
  const js = site.filter((f) => f.url !== '').slice(skip);
  if (js.length === 0) return false;
  // The site starts at the innermost user frame; the trace may still have Node's own frames
  // at its tip (`Buffer.toString` for a string made from a buffer): skip up to a few. With
  // frames of the site dropped (inlined into their caller), only Node's own: what remains
  // of the site is its outer frames, which an unrelated allocation (a module loaded from
  // the same caller) can share.
  for (let offset = 0; offset <= 4 && offset < trace.length; offset++) {
    if (offset > 0 && skip > 0 && !isNodeInternal(trace[offset - 1]!, scripts)) return false;
    if (!sameFrame(js[0]!, trace[offset]!)) continue;
    const depth = Math.min(MATCH_DEPTH, js.length, trace.length - offset);
    let all = true;
    for (let i = 1; i < depth; i++) {
      if (!sameFrame(js[i]!, trace[offset + i]!)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

function isNodeInternal(frame: TraceFrame, scripts: ReadonlyMap<string, string>): boolean {
  return scripts.get(String(frame.scriptId))?.startsWith('node:') === true;
}

/** Which node to show for a site: an object over the string it points to, over V8's internal ones. */
function rankType(type: string, name: string): number {
  // V8's own: contexts, "(code deopt data)", "(object elements)" (JS arrays are objects named
  // Array). An unnamed internal array stays with the objects: a closure's captured array can
  // be the only thing of a site's that stays (the gallery's closure scene).
  if (name.startsWith('system / ') || (type === 'array' && name.startsWith('('))) return 1;
  if (type === 'code' || type === 'hidden') return 1;
  if (type === 'object' || type === 'closure' || type === 'array' || type === 'regexp') return 3;
  return type.endsWith('string') ? 2 : 1;
}

async function takeTrackedSnapshot(
  session: InspectorSession,
  run: (count: number) => Promise<void>,
  ops: number,
): Promise<RawHeapSnapshot> {
  await session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
  try {
    await run(ops);
    await nextMacrotask();
    gc();
    gc();
    // Written while tracking is on, the snapshot carries every object's allocation stack.
    // v8.getHeapSnapshot() streams it several times faster than the protocol's chunks.
    const chunks: string[] = [];
    const stream = getHeapSnapshot();
    stream.setEncoding('utf8');
    for await (const chunk of stream) chunks.push(chunk as string);
    return JSON.parse(chunks.join('')) as RawHeapSnapshot;
  } finally {
    // Disabling stops the tracking without the snapshot that stopTrackingHeapObjects takes.
    await session.post('HeapProfiler.disable');
    await session.post('HeapProfiler.enable');
  }
}

/** How many tracked runs a site gets before its path may come from V8's own objects alone. */
const TRACKED_RUNS = 3;

/**
 * @internal Runs `ops` more operations with allocation tracking on, takes a heap snapshot,
 * and for each site finds the newest object allocated there (same innermost frames) and the
 * shortest path from a GC root to it. V8 records an allocation's stack only when it takes
 * the slow path: now and then optimised code keeps allocating inline through a whole tracked
 * run, and a site's own objects carry no stack. A site whose path could only come from V8's
 * own objects (compiled code) is tracked again, up to three runs in all.
 */
export async function findRetainers(
  session: InspectorSession,
  sites: readonly SiteLike[],
  context: {
    run: (count: number) => Promise<void>;
    ops: number;
    scripts: ReadonlyMap<string, string>;
    /** The script of the function that calls the operation: a path is cut where it enters it. */
    runnerUrl: string | undefined;
  },
): Promise<(RetainerPath | undefined)[]> {
  const paths = await trackUntilFound(sites.length, TRACKED_RUNS, async (pending) => {
    const graph = new HeapGraph(await takeTrackedSnapshot(session, context.run, context.ops));
    return sitePaths(
      graph,
      pending.map((i) => sites[i]!),
      context.scripts,
      context.runnerUrl,
    );
  });
  return paths.map((p) => p.path);
}

/**
 * @internal Calls `track` with the sites still without a path to an object of theirs (all
 * of them at first; `track` answers for those, in order) until none is left or `runs` calls
 * were made. A site keeps its first path until one to an object of its own replaces it.
 */
export async function trackUntilFound(
  count: number,
  runs: number,
  track: (pending: readonly number[]) => Promise<readonly SitePath[]>,
): Promise<SitePath[]> {
  const paths: SitePath[] = Array.from({ length: count }, () => ({ path: undefined, fromObjects: false }));
  let pending = paths.map((_, i) => i);
  for (let run = 1; run <= runs && pending.length > 0; run++) {
    const found = await track(pending);
    pending.forEach((i, k) => {
      if (found[k]!.fromObjects || paths[i]!.path === undefined) paths[i] = found[k]!;
    });
    pending = pending.filter((i) => !paths[i]!.fromObjects);
  }
  return paths;
}

/** @internal Each site's path in a tracked snapshot (see {@link findRetainers}). */
export function retainerPaths(
  graph: HeapGraph,
  sites: readonly SiteLike[],
  scripts: ReadonlyMap<string, string>,
  runnerUrl: string | undefined,
): (RetainerPath | undefined)[] {
  return sitePaths(graph, sites, scripts, runnerUrl).map((p) => p.path);
}

/** @internal */
export interface SitePath {
  readonly path: RetainerPath | undefined;
  /** Whether the path leads to an object of the site's (not only to V8's own, or nothing). */
  readonly fromObjects: boolean;
}

/** @internal Each site's path, and whether it leads to an object of the site's. */
export function sitePaths(
  graph: HeapGraph,
  sites: readonly SiteLike[],
  scripts: ReadonlyMap<string, string>,
  runnerUrl: string | undefined,
): SitePath[] {
  const { parent, depth, via } = graph.shortestPaths();
  const describe = (found: readonly { node: number; rank: number }[], fromObjects: boolean): SitePath => {
    const node = representative(graph, parent, depth, via, found);
    return {
      path: node === undefined ? undefined : describePath(graph, parent, via, node, scripts, runnerUrl),
      fromObjects: fromObjects && node !== undefined,
    };
  };
  const exact = collectCandidates(graph, parent, sites, 0, scripts);
  // Candidates with the site's innermost `skip` frames dropped, computed once per depth.
  const inlined: { node: number; rank: number }[][][] = [];
  return sites.map((site, i) => {
    const found = leading(graph, exact[i]!);
    if (found.some((f) => f.rank > 1)) return describe(found, true);
    // Only V8's own objects (compiled code) carry the site's frames: its
    // function was inlined into its caller (and perhaps that one into its own) while the
    // objects were made. Take the nearest caller's objects, leaving out those the callers'
    // own scopes hold (the callers', not the inlined function's).
    const frames = site.stack.filter((f) => f.url !== '');
    for (let skip = 1; skip <= MAX_INLINED && skip < frames.length; skip++) {
      inlined[skip] ??= collectCandidates(graph, parent, sites, skip, scripts);
      const objects = leading(graph, inlined[skip]![i]!).filter((f) => f.rank > 1);
      if (objects.length === 0) continue;
      const callers = new Set(frames.slice(skip).map((f) => f.functionName));
      const notTheCallers = objects.filter((f) => !heldByScopeOf(graph, parent, via, f.node, callers));
      return describe(notTheCallers.length > 0 ? notTheCallers : objects, true);
    }
    return describe(found, false);
  });
}

/**
 * A site's candidates of the best kind (object, string, V8's own) that the site made at every
 * operation, not once. A leak makes its objects at every operation, so a kind counts when
 * the tracked run made at least 1 in 100 of the site's candidates of it (and more than one),
 * spread over the run: its ids (allocation order) span at least half the widest span of such
 * a kind. That leaves out what Node made under the same frames on one occasion while the
 * site ran: a closure of its own, built on first use, or the arrays of a source map it
 * parsed (hundreds of them, made together). When no kind qualifies (a tracked run of one
 * operation), the best kind.
 */
function leading(
  graph: HeapGraph,
  found: readonly { node: number; rank: number }[],
): { node: number; rank: number }[] {
  const kinds = new Map<number, { count: number; first: number; last: number }>();
  for (const f of found) {
    const id = graph.id(f.node);
    const kind = kinds.get(f.rank);
    if (kind === undefined) kinds.set(f.rank, { count: 1, first: id, last: id });
    else {
      kind.count++;
      kind.first = Math.min(kind.first, id);
      kind.last = Math.max(kind.last, id);
    }
  }
  const floor = Math.max(2, found.length / 100);
  const common = [...kinds].filter(([, k]) => k.count >= floor);
  const widest = Math.max(0, ...common.map(([, k]) => k.last - k.first));
  const spread = common.filter(([, k]) => k.last - k.first >= widest / 2).map(([rank]) => rank);
  const best = spread.length > 0 ? Math.max(...spread) : Math.max(...kinds.keys());
  return found.filter((f) => f.rank === best);
}

/** How many levels of inlining the fallback looks through. */
const MAX_INLINED = 3;

/** Every reachable object allocated at each site (its trace matching after `skip` frames), with its type rank. */
function collectCandidates(
  graph: HeapGraph,
  parent: Int32Array,
  sites: readonly SiteLike[],
  skip: number,
  scripts: ReadonlyMap<string, string>,
): { node: number; rank: number }[][] {
  const candidates: { node: number; rank: number }[][] = sites.map(() => []);
  const matched = new Map<readonly TraceFrame[], number[]>();
  for (let node = 1; node < graph.nodeCount; node++) {
    if (parent[node] === -1) continue;
    const trace = graph.allocationStack(node);
    if (trace === undefined) continue;
    let which = matched.get(trace);
    if (which === undefined) {
      which = [];
      for (let i = 0; i < sites.length; i++)
        if (matches(sites[i]!.stack, trace, skip, scripts)) which.push(i);
      matched.set(trace, which);
    }
    for (const i of which) candidates[i]!.push({ node, rank: rankType(graph.type(node), graph.name(node)) });
  }
  return candidates;
}

/**
 * When `node` is a variable of a scope (its edge from a context), what holds that context on
 * the path: the closure that owns it, or whatever else does (a module record, a frame).
 */
function scopeOwner(
  graph: HeapGraph,
  parent: Int32Array,
  via: readonly { type: string; name: string }[],
  node: number,
): number | undefined {
  const holder = parent[node]!;
  return via[node]!.type === 'context' && graph.name(holder) === 'system / Context'
    ? parent[holder]!
    : undefined;
}

/** Whether a variable of a closure named in `names` holds `node` within a few steps. */
function heldByScopeOf(
  graph: HeapGraph,
  parent: Int32Array,
  via: readonly { type: string; name: string }[],
  node: number,
  names: ReadonlySet<string>,
): boolean {
  for (let n = node, k = 0; k < 4 && n > 0; n = parent[n]!, k++) {
    const owner = scopeOwner(graph, parent, via, n);
    if (owner !== undefined)
      return owner > 0 && graph.type(owner) === 'closure' && names.has(graph.name(owner));
  }
  return false;
}

/** Holders right above an object, indices dropped: objects kept by the same structure share it. */
function holderSignature(
  graph: HeapGraph,
  parent: Int32Array,
  via: readonly { type: string; name: string }[],
  node: number,
): string {
  const parts: string[] = [];
  let n = node;
  for (let k = 0; k < 6 && n > 0; k++) {
    const edge = via[n]!;
    parts.push(
      `${graph.name(parent[n]!)}:${edge.type === 'element' || edge.type === 'hidden' ? '#' : edge.name}`,
    );
    n = parent[n]!;
  }
  return parts.join('<');
}

/**
 * The object to show for a site: among those of the best type, one held the way most of
 * them are held — what keeps the leaked objects holds the many, while a few of the same
 * site's objects may be held elsewhere (a pool's idle list beside its leaked borrowings) —
 * and of those, the one nearest a root.
 */
function representative(
  graph: HeapGraph,
  parent: Int32Array,
  depth: Uint32Array,
  via: readonly { type: string; name: string }[],
  found: readonly { node: number; rank: number }[],
): number | undefined {
  if (found.length === 0) return undefined;
  const best = Math.max(...found.map((f) => f.rank));
  const pool = found.filter((f) => f.rank === best);
  // A sample is enough to find the majority; walking every path of a large leak is not needed.
  const step = Math.max(1, Math.floor(pool.length / 2000));
  const groups = new Map<string, number[]>();
  for (let k = 0; k < pool.length; k += step) {
    const node = pool[k]!.node;
    const signature = holderSignature(graph, parent, via, node);
    let group = groups.get(signature);
    if (group === undefined) groups.set(signature, (group = []));
    group.push(node);
  }
  let largest: number[] = [];
  for (const group of groups.values()) if (group.length > largest.length) largest = group;
  let nearest = largest[0];
  for (const node of largest) if (depth[node]! < depth[nearest!]!) nearest = node;
  return nearest;
}

function scriptPath(scripts: ReadonlyMap<string, string>, id: number): string {
  const url = scripts.get(String(id));
  return url === undefined ? `script ${id}` : displayPath(url);
}

function displayPath(url: string): string {
  if (!url.startsWith('file://')) return url;
  try {
    return fileURLToPath(url);
  } catch {
    return url;
  }
}

function nodeLabel(graph: HeapGraph, node: number, scripts: ReadonlyMap<string, string>): string {
  const type = graph.type(node);
  const name = graph.name(node);
  if (type === 'closure') {
    const where = graph.location(node);
    const fn = name === '' ? '(anonymous)' : name;
    if (where === undefined) return `closure ${fn}`;
    // Mapped to the source when Node has the script's source map (TypeScript through a loader).
    const url = scripts.get(String(where.scriptId));
    const original = url === undefined ? undefined : originalPosition(url, where.line - 1, where.column - 1);
    return original === undefined
      ? `closure ${fn} (${scriptPath(scripts, where.scriptId)}:${where.line}:${where.column})`
      : `closure ${fn} (${displayPath(original.url)}:${original.line + 1}:${original.column + 1})`;
  }
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') return '(string)';
  if (type === 'array') return name === '' ? '(array)' : `(${name})`;
  if (type === 'synthetic') return name;
  return name === '' ? `(${type})` : name;
}

/** Whether a scope's holders lead to a module record within a few steps (an ES module's top level). */
function ownedByModule(graph: HeapGraph, parent: Int32Array, start: number): boolean {
  let node = start;
  for (let k = 0; k < 4 && node > 0; k++) {
    if (/ModuleWrap|SourceTextModule/.test(graph.name(node))) return true;
    node = parent[node]!;
  }
  return false;
}

function describePath(
  graph: HeapGraph,
  parent: Int32Array,
  via: readonly { type: string; name: string }[],
  target: number,
  scripts: ReadonlyMap<string, string>,
  runnerUrl: string | undefined,
): RetainerPath {
  const steps: RetainerStep[] = [];
  let node = target;
  // Walk up to the root; `via[n]` is the edge from parent[n] to n.
  for (;;) {
    const holder = parent[node]!;
    const edge = via[node]!;
    if (holder === 0) break;
    let label = nodeLabel(graph, holder, scripts);
    const owner = scopeOwner(graph, parent, via, node);
    if (owner !== undefined) {
      // A closure variable: name the closure that owns the context.
      label =
        owner > 0 && graph.type(owner) === 'closure'
          ? `closure of ${nodeLabel(graph, owner, scripts).replace(/^closure /, '')}`
          : ownedByModule(graph, parent, owner)
            ? 'module scope'
            : 'a scope';
    }
    // Past the operation itself, the path runs through findLeaks' own frames.
    if (runnerUrl !== undefined && label.includes(`(${runnerUrl}:`)) break;
    steps.push({ holder: label, edge: edge.name, edgeType: edge.type });
    node = holder;
  }
  return {
    object: nodeLabel(graph, target, scripts),
    steps,
    text: renderPath(nodeLabel(graph, target, scripts), steps),
  };
}

const NOISE =
  /^(system \/ |Node \/ |\(internal array\)|\(object elements\)|\(object properties\)|\(GC roots\)|\(map descriptors\))/;

/** `Object ← Map.table ← "cache" in closure of getProduct (src/app.ts:12:3) ← (Global handles)`. */
export function renderPath(object: string, steps: readonly RetainerStep[]): string {
  const parts: string[] = [object];
  let closureNamed = '';
  for (const step of steps) {
    // The closure that owns a scope was just named ("in closure of X"): skip X itself.
    if (closureNamed !== '' && step.holder === `closure ${closureNamed}`) {
      closureNamed = '';
      continue;
    }
    closureNamed =
      step.edgeType === 'context' && step.holder.startsWith('closure of ') ? step.holder.slice(11) : '';
    if (step.edgeType === 'context') {
      parts.push(`"${step.edge}" in ${step.holder}`);
    } else if (step.edgeType === 'property') {
      parts.push(`${step.holder}.${step.edge}`);
    } else if (step.edgeType === 'element') {
      if (!NOISE.test(step.holder)) parts.push(`${step.holder}[${step.edge}]`);
    } else if (!NOISE.test(step.holder)) {
      parts.push(step.holder);
    }
  }
  // Collapse repeats ("Map ← Map" through an internal table), then repeated runs (a chain
  // of closures, a linked list) into one run and a count.
  return collapseRuns(parts.filter((p, i) => i === 0 || p !== parts[i - 1])).join(' ← ');
}

/** `a ← b ← a ← b ← a ← b ← c` → `a ← b (×3) ← c`, for runs of one to three parts. */
function collapseRuns(parts: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < parts.length) {
    let collapsed = false;
    for (let len = 1; len <= 3 && !collapsed; len++) {
      let repeats = 1;
      while (
        i + (repeats + 1) * len <= parts.length &&
        parts.slice(i, i + len).every((p, k) => p === parts[i + repeats * len + k])
      ) {
        repeats++;
      }
      if (repeats > 1) {
        out.push(...parts.slice(i, i + len - 1), `${parts[i + len - 1]} (×${repeats})`);
        i += repeats * len;
        collapsed = true;
      }
    }
    if (!collapsed) out.push(parts[i++]!);
  }
  return out;
}
