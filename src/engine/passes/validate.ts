/**
 * Structural checks every graph must pass before anything else looks at it: each value is defined once,
 * every input a node reads is defined (by an input, an initializer, an earlier node or an enclosing
 * graph), and nodes are in an order where producers come first (sorted here when a producer wrote them
 * out of order; a cycle is an error).
 */
import { KilnError } from '../errors.js';
import { Graph, type Node } from '../ir/graph.js';

export function validateGraph(g: Graph, outer: ReadonlySet<string> = new Set()): void {
  const defined = new Set<string>(outer);
  const producers = new Map<string, Node>();
  for (const i of g.inputs) defined.add(i.name);
  for (const k of g.initializers.keys()) defined.add(k);
  for (const n of g.nodes) {
    for (const o of n.outputs) {
      if (!o) continue;
      if (g.initializers.has(o) || g.inputs.some((i) => i.name === o)) {
        throw new KilnError('E_MODEL_INVALID', `node ${n.label} writes '${o}', which is already a graph input or initializer`, { node: n.name, tensor: o });
      }
      if (producers.has(o)) {
        throw new KilnError('E_MODEL_INVALID', `value '${o}' is produced by both ${producers.get(o)!.label} and ${n.label}`, { node: n.name, tensor: o });
      }
      producers.set(o, n);
    }
  }
  sortNodes(g, defined, producers);
  for (const n of g.nodes) {
    for (const i of n.inputs) {
      if (i && !defined.has(i)) {
        throw new KilnError('E_MODEL_INVALID', `node ${n.label} reads '${i}', which no input, initializer or node defines`, { node: n.name, tensor: i });
      }
    }
    for (const sub of n.subgraphs()) validateGraph(sub, defined);
    for (const o of n.outputs) if (o) defined.add(o);
  }
  for (const o of g.outputs) {
    if (!defined.has(o.name)) throw new KilnError('E_MODEL_INVALID', `graph output '${o.name}' is never produced`, { tensor: o.name });
  }
}

/** Stable topological sort (Kahn), keeping the file's order where it is already valid. */
function sortNodes(g: Graph, available: ReadonlySet<string>, producers: Map<string, Node>): void {
  const deps = new Map<Node, Node[]>();
  let inOrder = true;
  const seen = new Set<Node>();
  for (const n of g.nodes) {
    const d: Node[] = [];
    for (const i of Graph.nodeDependencies(n)) {
      if (available.has(i)) continue;
      const p = producers.get(i);
      if (p && p !== n) {
        d.push(p);
        if (!seen.has(p)) inOrder = false;
      }
    }
    deps.set(n, d);
    seen.add(n);
  }
  if (inOrder) return;
  // Iterative DFS (graphs can be far deeper than the JS stack).
  const out: Node[] = [];
  const state = new Map<Node, 1 | 2>();
  for (const root of g.nodes) {
    if (state.has(root)) continue;
    const stack: [Node, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const d = deps.get(top[0])!;
      if (top[1] < d.length) {
        const p = d[top[1]++]!;
        const s = state.get(p);
        if (s === 1) throw new KilnError('E_MODEL_INVALID', `the graph has a cycle through node ${p.label}`, { node: p.name });
        if (s === undefined) {
          state.set(p, 1);
          stack.push([p, 0]);
        }
      } else {
        state.set(top[0], 2);
        out.push(top[0]);
        stack.pop();
      }
    }
  }
  g.nodes = out;
}
