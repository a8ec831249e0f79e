// The shortest-path search behind findLeaks' retainer paths, on small hand-made snapshots.
import { describe, expect, it } from 'vitest';
import { HeapGraph } from '../src/find-leaks/heap-snapshot.js';
import { snapshot } from './fixtures/heap-snapshot.js';

/** The names along the path from the root to `node`, root first. */
function pathTo(graph: HeapGraph, node: number): string[] {
  const { parent } = graph.shortestPaths();
  const names: string[] = [];
  for (let n = node; n !== 0; n = parent[n]!) names.unshift(graph.name(n));
  return names;
}

describe('HeapGraph.shortestPaths', () => {
  it('prefers a longer path through the program over a shorter one through compiled code', () => {
    const graph = new HeapGraph(
      snapshot(
        [
          ['', 'synthetic'], // 0 root
          ['(Global handles)', 'synthetic'], // 1
          ['processImmediate', 'closure'], // 2
          ['(code)', 'code'], // 3
          ['Timeout', 'object'], // 4
          ['Timers', 'object'], // 5
          ['TimersList', 'object'], // 6
          ['poll', 'closure'], // 7: the object whose holder is asked for
          ['Module', 'object'], // 8
        ],
        [
          [0, 1, 'element', '1'],
          [0, 8, 'element', '2'],
          [1, 2, 'element', '1'],
          [2, 3, 'internal', 'code'],
          [3, 7, 'internal', '3'],
          [8, 5, 'property', 'timers'],
          [5, 6, 'property', 'list'],
          [6, 4, 'property', '_idlePrev'],
          [4, 7, 'property', '_onTimeout'],
        ],
      ),
    );
    expect(pathTo(graph, 7)).toEqual(['Module', 'Timers', 'TimersList', 'Timeout', 'poll']);
  });

  it('still goes through compiled code when nothing else holds the object', () => {
    const graph = new HeapGraph(
      snapshot(
        [
          ['', 'synthetic'],
          ['fn', 'closure'],
          ['(code)', 'code'],
          ['constant', 'object'],
        ],
        [
          [0, 1, 'element', '1'],
          [1, 2, 'internal', 'code'],
          [2, 3, 'internal', '1'],
        ],
      ),
    );
    expect(pathTo(graph, 3)).toEqual(['fn', '(code)', 'constant']);
  });

  it('follows no weak edge', () => {
    const graph = new HeapGraph(
      snapshot(
        [
          ['', 'synthetic'],
          ['WeakRef', 'object'],
          ['target', 'object'],
        ],
        [
          [0, 1, 'element', '1'],
          [1, 2, 'weak', 'target'],
        ],
      ),
    );
    expect(graph.shortestPaths().parent[2]).toBe(-1);
  });
});
