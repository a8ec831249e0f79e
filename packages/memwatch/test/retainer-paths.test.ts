// Which object findLeaks shows for a site, on hand-made snapshots with allocation stacks: the
// site's own objects, or, when V8 inlined the site's function into its caller while tracking
// (its tracker records physical frames only), the caller's objects that the caller's own
// scope does not hold.
import { describe, expect, it } from 'vitest';
import { HeapGraph } from '../src/find-leaks/heap-snapshot.js';
import {
  type RetainerPath,
  retainerPaths,
  type SitePath,
  sitePaths,
  trackUntilFound,
} from '../src/find-leaks/retainers.js';
import type { StackFrame } from '../src/find-leaks/sites.js';
import { type Frame, snapshot } from './fixtures/heap-snapshot.js';

const createPoller: Frame = ['createPoller', 7, 14, 22];
const op: Frame = ['op', 7, 30, 9];
const run: Frame = ['run', 7, 40, 3];
// The body of a module that op happened to load: a user script's frame, not Node's.
const moduleBody: Frame = ['', 9, 1, 1];
const asSiteFrame = ([functionName, , line, column]: Frame): StackFrame => ({
  functionName,
  url: 'file:///app/programs.mjs',
  line,
  column,
});
const site = { stack: [createPoller, op, run].map(asSiteFrame) };

/**
 * A leak of pollers: each `state` is held by an interval's callback through the timer list,
 * `op` keeps a WeakRef per poller in its own `timers` array (two of them: the larger group), and compiled code of
 * `createPoller` sits in a handle, and two closures of a module that `op` loaded (their
 * stacks end in `op` too, under the module's own frame) hang off a generator. `stateStack` is the allocation stack recorded for `state`, `weakRefStack` the WeakRefs' (none: V8 recorded no stack for them).
 */
function pollers(
  stateStack: readonly Frame[] | undefined,
  weakRefStack: readonly Frame[] | undefined,
): HeapGraph {
  return new HeapGraph(
    snapshot(
      [
        ['', 'synthetic'], // 0
        ['(Global handles)', 'synthetic'], // 1
        ['TimersList', 'object'], // 2
        ['Timeout', 'object'], // 3
        ['', 'closure'], // 4: the interval's callback
        ['system / Context', 'hidden'], // 5
        ['Object', 'object', stateStack], // 6: state
        ['op', 'closure'], // 7
        ['system / Context', 'hidden'], // 8
        ['Array', 'object'], // 9: timers
        ['WeakRef', 'object', weakRefStack], // 10
        ['', 'code', [createPoller, op, run]], // 11
        ['WeakRef', 'object', weakRefStack], // 12
        ['Generator', 'object'], // 13: a module loaded from op (another program's)
        ['', 'closure', [moduleBody, op, run]], // 14
        ['', 'closure', [moduleBody, op, run]], // 15
      ],
      [
        [0, 1, 'element', '1'],
        [1, 11, 'element', '1'],
        [1, 2, 'element', '2'],
        [1, 7, 'element', '3'],
        [2, 3, 'property', '_idleNext'],
        [3, 4, 'property', '_onTimeout'],
        [4, 5, 'internal', 'context'],
        [5, 6, 'context', 'state'],
        [7, 8, 'internal', 'context'],
        [8, 9, 'context', 'timers'],
        [9, 10, 'element', '0'],
        [9, 12, 'element', '1'],
        [1, 13, 'element', '4'],
        [13, 14, 'element', '0'],
        [13, 15, 'element', '1'],
      ],
    ),
  );
}

describe('retainerPaths', () => {
  it("shows the site's own object, held by the timer", () => {
    const [path] = retainerPaths(pollers([createPoller, op, run], [op, run]), [site], new Map(), undefined);
    expect(path?.text).toBe(
      'Object ← "state" in closure of (anonymous) ← Timeout._onTimeout ← TimersList._idleNext ← (Global handles)[2]',
    );
  });

  it("with the site's function inlined into its caller, shows the caller's object its own scope does not hold", () => {
    // Only compiled code carries createPoller's frames; state and the WeakRef both read as op's.
    const [path] = retainerPaths(pollers([op, run], [op, run]), [site], new Map(), undefined);
    expect(path?.object).toBe('Object');
    expect(path?.text).toContain('Timeout._onTimeout');
  });

  it('looks through two levels of inlining', () => {
    // The site is a helper called by createPoller; both were inlined into op.
    const helper: Frame = ['label', 7, 5, 17];
    const nested = { stack: [helper, createPoller, op, run].map(asSiteFrame) };
    const [path] = retainerPaths(pollers([op, run], [op, run]), [nested], new Map(), undefined);
    expect(path?.object).toBe('Object');
    expect(path?.text).toContain('Timeout._onTimeout');
  });
});

describe('a site whose objects carry no allocation stack', () => {
  it("is shown through V8's own objects, and marked so", () => {
    // Optimised code allocated inline through the tracked run: only compiled code has the frames.
    const [found] = sitePaths(pollers(undefined, undefined), [site], new Map(), undefined);
    expect(found?.path?.object).toBe('(code)');
    expect(found?.fromObjects).toBe(false);
    const [own] = sitePaths(pollers([createPoller, op, run], [op, run]), [site], new Map(), undefined);
    expect(own?.fromObjects).toBe(true);
  });

  it('is tracked again, alone, until a run finds an object of its own', async () => {
    const path = (text: string): RetainerPath => ({ object: text, steps: [], text });
    const answers: SitePath[][] = [
      [
        { path: path('Object ← a'), fromObjects: true },
        { path: path('(code) ← b'), fromObjects: false },
        { path: undefined, fromObjects: false },
      ],
      [
        { path: path('(code) ← b again'), fromObjects: false },
        { path: path('Object ← c'), fromObjects: true },
      ],
      [{ path: path('Object ← b'), fromObjects: true }],
    ];
    const asked: (readonly number[])[] = [];
    const paths = await trackUntilFound(3, 3, async (pending) => {
      asked.push([...pending]);
      return answers[asked.length - 1]!;
    });
    expect(asked).toEqual([[0, 1, 2], [1, 2], [1]]);
    expect(paths.map((p) => p.path?.text)).toEqual(['Object ← a', 'Object ← b', 'Object ← c']);
  });

  it('keeps its first path when no run finds more, and stops after the last run', async () => {
    let runs = 0;
    const paths = await trackUntilFound(1, 3, async () => {
      runs++;
      return [{ path: { object: '(code)', steps: [], text: `(code) ${runs}` }, fromObjects: false }];
    });
    expect(runs).toBe(3);
    expect(paths[0]).toEqual({ path: { object: '(code)', steps: [], text: '(code) 1' }, fromObjects: false });
  });
});

describe('a site with an object made once under its frames', () => {
  // A job per operation (makeJob), whose input string payload makes.
  const payload: Frame = ['payload', 7, 9, 17];
  const makeJob: Frame = ['makeJob', 7, 112, 17];
  const at = [payload, makeJob, op];

  it('shows the kind of object the site makes at every operation', () => {
    // Each job's input string is payload's; Node made one closure of its own, on first use,
    // while payload ran (the same frames), and it sits nearer a root than the strings.
    const graph = new HeapGraph(
      snapshot(
        [
          ['', 'synthetic'], // 0
          ['(Global handles)', 'synthetic'], // 1
          ['Array', 'object'], // 2: jobs
          ['Object', 'object', [makeJob, op]], // 3
          ['Object', 'object', [makeJob, op]], // 4
          ['Object', 'object', [makeJob, op]], // 5
          ['aaaa', 'string', at], // 6
          ['bbbb', 'string', at], // 7
          ['cccc', 'string', at], // 8
          ['createAbortSignal', 'closure', at], // 9
        ],
        [
          [0, 1, 'element', '1'],
          [1, 9, 'element', '1'],
          [1, 2, 'element', '2'],
          [2, 3, 'element', '0'],
          [2, 4, 'element', '1'],
          [2, 5, 'element', '2'],
          [3, 6, 'property', 'input'],
          [4, 7, 'property', 'input'],
          [5, 8, 'property', 'input'],
        ],
      ),
    );
    const [path] = retainerPaths(graph, [{ stack: at.map(asSiteFrame) }], new Map(), undefined);
    expect(path?.text).toMatch(/^\(string\) ← Object\.input ← Array\[\d\]/);
  });

  it('passes over objects Node made together, once, under the same frames', () => {
    // While payload ran, Node parsed a source map: its line arrays carry the site's frames
    // and are as many as the strings, but were made together (consecutive ids), while the
    // strings were made one per operation, before and after.
    const strings = [6, 7, 8, 13, 14, 15];
    const graph = new HeapGraph(
      snapshot(
        [
          ['', 'synthetic'], // 0
          ['(Global handles)', 'synthetic'], // 1
          ['Array', 'object'], // 2: jobs
          ['SourceMap', 'object'], // 3
          ['Object', 'object', [makeJob, op]], // 4
          ['Object', 'object', [makeJob, op]], // 5
          ['aaaa', 'string', at], // 6
          ['bbbb', 'string', at], // 7
          ['cccc', 'string', at], // 8
          ['Array', 'object', at], // 9: the source map's lines
          ['Array', 'object', at], // 10
          ['Array', 'object', at], // 11
          ['Array', 'object', at], // 12
          ['dddd', 'string', at], // 13
          ['eeee', 'string', at], // 14
          ['ffff', 'string', at], // 15
        ],
        [
          [0, 1, 'element', '1'],
          [1, 3, 'element', '1'],
          [1, 2, 'element', '2'],
          [3, 9, 'property', 'mappings'],
          [9, 10, 'element', '0'],
          [9, 11, 'element', '1'],
          [9, 12, 'element', '2'],
          [2, 4, 'element', '0'],
          [2, 5, 'element', '1'],
          ...strings.map(
            (n, k) => [k < 3 ? 4 : 5, n, 'property', `input${k}`] as [number, number, string, string],
          ),
        ],
      ),
    );
    const [path] = retainerPaths(graph, [{ stack: at.map(asSiteFrame) }], new Map(), undefined);
    expect(path?.text).toMatch(/^\(string\) ← Object\.input\d ← Array\[\d\]/);
  });
});
