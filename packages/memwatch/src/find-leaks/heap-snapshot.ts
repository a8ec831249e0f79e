/**
 * A parsed V8 heap snapshot (the `.heapsnapshot` JSON), read just enough to find objects by
 * allocation stack and to walk the shortest path from the GC roots to one of them.
 */
export interface RawHeapSnapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly [readonly string[], ...unknown[]];
      readonly edge_fields: readonly string[];
      readonly edge_types: readonly [readonly string[], ...unknown[]];
      readonly trace_function_info_fields?: readonly string[] | undefined;
      readonly trace_node_fields?: readonly string[] | undefined;
      readonly location_fields?: readonly string[] | undefined;
    };
  };
  readonly nodes: readonly number[];
  readonly edges: readonly number[];
  readonly trace_function_infos?: readonly number[] | undefined;
  readonly trace_tree?: readonly unknown[] | undefined;
  readonly locations?: readonly number[] | undefined;
  readonly strings: readonly string[];
}

/** A function of an allocation stack, 1-based position of its definition. */
export interface TraceFrame {
  readonly name: string;
  readonly scriptId: number;
  readonly line: number;
  readonly column: number;
}

export class HeapGraph {
  readonly #s: RawHeapSnapshot;
  readonly #nodeFields: number;
  readonly #edgeFields: number;
  readonly #nodeTypes: readonly string[];
  readonly #edgeTypes: readonly string[];
  readonly #firstEdge: Uint32Array;
  readonly #f: Record<string, number>;
  readonly #traceStacks = new Map<number, TraceFrame[]>();
  readonly #locations = new Map<number, { scriptId: number; line: number; column: number }>();
  readonly nodeCount: number;

  constructor(snapshot: RawHeapSnapshot) {
    this.#s = snapshot;
    const meta = snapshot.snapshot.meta;
    this.#nodeFields = meta.node_fields.length;
    this.#edgeFields = meta.edge_fields.length;
    this.#nodeTypes = meta.node_types[0];
    this.#edgeTypes = meta.edge_types[0];
    const f: Record<string, number> = {};
    meta.node_fields.forEach((name, i) => {
      f[`n_${name}`] = i;
    });
    meta.edge_fields.forEach((name, i) => {
      f[`e_${name}`] = i;
    });
    this.#f = f;
    this.nodeCount = snapshot.nodes.length / this.#nodeFields;
    this.#firstEdge = new Uint32Array(this.nodeCount + 1);
    const edgeCount = f.n_edge_count!;
    for (let n = 0, e = 0; n < this.nodeCount; n++) {
      this.#firstEdge[n] = e;
      e += snapshot.nodes[n * this.#nodeFields + edgeCount]! * this.#edgeFields;
      this.#firstEdge[n + 1] = e;
    }
    this.#readTraceTree();
    const loc = snapshot.locations;
    const lf = meta.location_fields?.length ?? 4;
    if (loc !== undefined) {
      for (let i = 0; i < loc.length; i += lf) {
        // object_index is the offset of the node in `nodes`.
        this.#locations.set(loc[i]! / this.#nodeFields, {
          scriptId: loc[i + 1]!,
          line: loc[i + 2]! + 1,
          column: loc[i + 3]! + 1,
        });
      }
    }
  }

  #readTraceTree(): void {
    const infos = this.#s.trace_function_infos;
    const meta = this.#s.snapshot.meta;
    if (
      infos === undefined ||
      this.#s.trace_tree === undefined ||
      meta.trace_function_info_fields === undefined
    )
      return;
    const ff = meta.trace_function_info_fields;
    const F = ff.length;
    const iName = ff.indexOf('name');
    const iScript = ff.indexOf('script_id');
    const iLine = ff.indexOf('line');
    const iColumn = ff.indexOf('column');
    const fn = (index: number): TraceFrame => ({
      name: this.#s.strings[infos[index * F + iName]!] ?? '',
      scriptId: infos[index * F + iScript]!,
      line: infos[index * F + iLine]!,
      column: infos[index * F + iColumn]!,
    });
    const tf = meta.trace_node_fields ?? ['id', 'function_info_index', 'count', 'size', 'children'];
    const T = tf.length;
    const iId = tf.indexOf('id');
    const iFn = tf.indexOf('function_info_index');
    const iChildren = tf.indexOf('children');
    // Iterative walk: stacks can be deep. Each entry: a flat array of 5-tuples and the parent's stack (innermost first).
    const work: { list: readonly unknown[]; parent: TraceFrame[] }[] = [
      { list: this.#s.trace_tree, parent: [] },
    ];
    while (work.length > 0) {
      const { list, parent } = work.pop()!;
      for (let i = 0; i + T <= list.length; i += T) {
        const id = list[i + iId] as number;
        const stack = [fn(list[i + iFn] as number), ...parent].slice(0, 64);
        this.#traceStacks.set(id, stack);
        work.push({ list: list[i + iChildren] as unknown[], parent: stack });
      }
    }
  }

  type(node: number): string {
    return this.#nodeTypes[this.#s.nodes[node * this.#nodeFields + this.#f.n_type!]!] ?? 'unknown';
  }

  name(node: number): string {
    return this.#s.strings[this.#s.nodes[node * this.#nodeFields + this.#f.n_name!]!] ?? '';
  }

  /** The object's id. While allocation tracking is on, V8 numbers objects as they are allocated. */
  id(node: number): number {
    return this.#s.nodes[node * this.#nodeFields + this.#f.n_id!]!;
  }

  selfSize(node: number): number {
    return this.#s.nodes[node * this.#nodeFields + this.#f.n_self_size!]!;
  }

  /** The allocation stack of a node, innermost first, when allocation tracking recorded it. */
  allocationStack(node: number): readonly TraceFrame[] | undefined {
    const field = this.#f.n_trace_node_id;
    if (field === undefined) return undefined;
    const id = this.#s.nodes[node * this.#nodeFields + field]!;
    return id === 0 ? undefined : this.#traceStacks.get(id);
  }

  location(node: number): { scriptId: number; line: number; column: number } | undefined {
    return this.#locations.get(node);
  }

  *edges(node: number): Generator<{ type: string; name: string; to: number }> {
    const edges = this.#s.edges;
    const iType = this.#f.e_type!;
    const iName = this.#f.e_name_or_index!;
    const iTo = this.#f.e_to_node!;
    for (let e = this.#firstEdge[node]!; e < this.#firstEdge[node + 1]!; e += this.#edgeFields) {
      const type = this.#edgeTypes[edges[e + iType]!] ?? 'unknown';
      const raw = edges[e + iName]!;
      const name = type === 'element' || type === 'hidden' ? String(raw) : (this.#s.strings[raw] ?? '');
      yield { type, name, to: edges[e + iTo]! / this.#nodeFields };
    }
  }

  /**
   * Nodes whose own edges are followed only after every other path: the stack roots (what
   * findLeaks' own frames hold right now), and compiled code (optimised code embeds the
   * objects it was specialised on, and its deoptimisation data keeps them: a path through
   * it says what the JIT saw, not what the program holds).
   */
  #deferred(node: number): boolean {
    return this.type(node) === 'code' || this.name(node) === '(Stack roots)';
  }

  /**
   * Breadth-first from the root over strong edges: the parent (node and edge) of every
   * reachable node on a shortest path. Weak edges do not retain; shortcut edges duplicate
   * a path the real edges also give. The stack and compiled code are searched last (see
   * `#deferred`): a path through them says less than one through a module, a global or a
   * handle.
   */
  shortestPaths(): { parent: Int32Array; depth: Uint32Array; via: { type: string; name: string }[] } {
    const parent = new Int32Array(this.nodeCount).fill(-1);
    const via: { type: string; name: string }[] = new Array(this.nodeCount);
    const depth = new Uint32Array(this.nodeCount);
    parent[0] = 0;
    const deferred: number[] = [];
    const search = (start: number[], defer: boolean): void => {
      let queue = start;
      while (queue.length > 0) {
        const next: number[] = [];
        for (const node of queue) {
          for (const edge of this.edges(node)) {
            if (edge.type === 'weak' || edge.type === 'shortcut') continue;
            if (parent[edge.to] !== -1) continue;
            if (defer && this.#deferred(edge.to)) {
              deferred.push(edge.to);
              parent[edge.to] = node;
              depth[edge.to] = depth[node]! + 1;
              via[edge.to] = { type: edge.type, name: edge.name };
              continue;
            }
            parent[edge.to] = node;
            depth[edge.to] = depth[node]! + 1;
            via[edge.to] = { type: edge.type, name: edge.name };
            next.push(edge.to);
          }
        }
        queue = next;
      }
    };
    search([0], true);
    search(deferred, false);
    return { parent, depth, via };
  }
}
