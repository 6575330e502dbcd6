/**
 * Dead-code elimination: drops nodes whose outputs nothing reads (no later node, no subgraph, no graph
 * output), then initializers nobody reads. Runs inside subgraphs too.
 */
import { Graph } from '../ir/graph.js';

export function eliminateDeadCode(g: Graph): number {
  let removed = 0;
  for (const n of g.nodes) for (const sub of n.subgraphs()) removed += eliminateDeadCode(sub);
  const live = new Set<string>(g.outputs.map((o) => o.name));
  const kept = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.outputs.some((o) => o !== '' && live.has(o))) {
      kept.push(n);
      for (const d of Graph.nodeDependencies(n)) live.add(d);
    } else {
      removed++;
    }
  }
  g.nodes = kept.reverse();
  const inputs = new Set(g.inputs.map((i) => i.name));
  for (const name of [...g.initializers.keys()]) {
    if (!live.has(name) && !inputs.has(name) && !(g.parent && referencedBelow(g, name))) g.initializers.delete(name);
  }
  return removed;
}

/** Whether a nested subgraph reads `name` (subgraph initializers shadow nothing here). */
function referencedBelow(g: Graph, name: string): boolean {
  return g.nodes.some((n) => n.subgraphs().some((s) => s.outerReferences().has(name)));
}
