// The shortest-path search behind findLeaks' retainer paths, on small hand-made snapshots.
import { describe, expect, it } from 'vitest';
import { HeapGraph, type RawHeapSnapshot } from '../src/find-leaks/heap-snapshot.js';

const NODE_TYPES = ['hidden', 'object', 'closure', 'code', 'synthetic'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

/** A snapshot from `nodes` (name, type) and `edges` (from, to, type, name), node 0 the root. */
function snapshot(
  nodes: readonly [name: string, type: string][],
  edges: readonly [from: number, to: number, type: string, name: string][],
): RawHeapSnapshot {
  const strings: string[] = [];
  const str = (s: string) => {
    const i = strings.indexOf(s);
    return i === -1 ? strings.push(s) - 1 : i;
  };
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  nodes.forEach(([name, type], n) => {
    const own = edges.filter(([from]) => from === n);
    flatNodes.push(NODE_TYPES.indexOf(type), str(name), n + 1, 16, own.length);
    for (const [, to, edgeType, edgeName] of own)
      flatEdges.push(EDGE_TYPES.indexOf(edgeType), str(edgeName), to * 5);
  });
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [NODE_TYPES],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [EDGE_TYPES],
      },
    },
    nodes: flatNodes,
    edges: flatEdges,
    strings,
  };
}

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
