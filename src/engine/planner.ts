/**
 * The planner assigns every node (subgraphs included) to the first backend, in the user's order, that
 * claims it, and records why the others declined. A node nobody claims makes planning fail with one
 * error that lists every such op and every backend's reason.
 */
import type { Backend, SupportQuery } from './backend.js';
import { KilnError } from './errors.js';
import type { Graph, Node } from './ir/graph.js';
import type { ValueType } from './ir/types.js';
import { makeGraphPlan, type GraphPlan, type NodePlan } from './executor.js';
import { getSchema, opKey, resolveAttrs } from './ops/index.js';

export interface Assignment {
  readonly node: string;
  readonly opType: string;
  readonly domain: string;
  /** The backend that runs the node. */
  readonly backend: string;
  /** Backends asked before it, and why each declined. */
  readonly declined: Readonly<Record<string, string>>;
}

export interface Plan {
  readonly graphs: Map<Graph, GraphPlan>;
  readonly assignments: Assignment[];
}

/** Highest opset per domain whose semantics Kiln implements. */
export const KNOWN_OPSETS: Readonly<Record<string, number>> = {
  '': 28,
  'ai.onnx.ml': 5,
  'ai.onnx.preview.training': 1,
  'ai.onnx.preview': 1,
  'com.microsoft': 1,
  tflite: 1,
  'tflite.custom': 1,
  kiln: 1,
};

/** `dropped`: backends dropped before this plan (unavailable, device lost) and why; every assignment lists them as declined. */
export function planGraph(root: Graph, backends: readonly Backend[], dropped: Readonly<Record<string, string>> = {}): Plan {
  const graphs = new Map<Graph, GraphPlan>();
  const assignments: Assignment[] = [];
  const unsupported = new Map<string, Record<string, string>>();

  const visit = (g: Graph) => {
    const nodes: NodePlan[] = [];
    for (const n of g.nodes) {
      for (const sub of n.subgraphs()) visit(sub);
      const p = planNode(g, n, backends, unsupported, dropped);
      if (p) {
        nodes.push(p.plan);
        assignments.push(p.assignment);
      }
    }
    graphs.set(g, makeGraphPlan(g, nodes));
  };
  visit(root);

  if (unsupported.size) {
    const asked = backends.map((b) => b.name).join(', ');
    const lines = [...unsupported].map(([op, why]) => `  ${op}: ${Object.entries(why).map(([b, r]) => `${b}: ${r}`).join('; ')}`);
    throw new KilnError(
      'E_OP_UNSUPPORTED',
      `${unsupported.size} op type(s) cannot run on the backends asked (${asked}): ${[...unsupported.keys()].join(', ')}\n${lines.join('\n')}`,
      { ops: [...unsupported.keys()], backends: backends.map((b) => b.name) },
    );
  }
  return { graphs, assignments };
}

function planNode(g: Graph, n: Node, backends: readonly Backend[], unsupported: Map<string, Record<string, string>>, dropped: Readonly<Record<string, string>>): { plan: NodePlan; assignment: Assignment } | undefined {
  const key = opKey(n.domain, n.opType);
  const opset = g.opsets.get(n.domain);
  const declined: Record<string, string> = { ...dropped };
  const schema = getSchema(key);
  const refuse = (why: string) => {
    for (const b of backends) declined[b.name] = why;
    unsupported.set(key, declined);
    return undefined;
  };
  if (opset === undefined) return refuse(`the model does not import the domain '${n.domain}'`);
  const known = KNOWN_OPSETS[n.domain];
  if (known !== undefined && opset > known) {
    throw new KilnError('E_OPSET_UNSUPPORTED', `the model imports ${n.domain || 'ai.onnx'} opset ${opset}; Kiln knows up to ${known}`, { node: n.name });
  }
  if (!schema) return refuse(`unknown op ${key}`);
  if (opset < schema.since) return refuse(`${key} needs opset ${schema.since}, the model imports ${opset}`);
  if (schema.until !== undefined && opset > schema.until) return refuse(`${key} was removed after opset ${schema.until}`);
  const attrs = resolveAttrs(schema, n, opset);
  const inputTypes = n.inputs.map((i) => (i === '' ? undefined : g.valueTypes.get(i) ?? initializerType(g, i)));
  const query: SupportQuery = { node: n, schema, opKey: key, opset, inputTypes };
  for (const b of backends) {
    const ok = b.supports(query);
    if (ok === true) {
      return { plan: { node: n, schema, attrs, opset, query, backend: b }, assignment: { node: n.name, opType: n.opType, domain: n.domain, backend: b.name, declined } };
    }
    declined[b.name] = ok;
  }
  unsupported.set(key, declined);
  return undefined;
}

/** The type of an initializer (or an outer scope's), for SupportQuery.inputTypes. */
function initializerType(g: Graph, name: string): ValueType | undefined {
  for (let s: Graph | undefined = g; s; s = s.parent) {
    const t = s.initializers.get(name);
    if (t) return { kind: 'tensor', dtype: t.type, shape: t.dims };
    const v = s.valueTypes.get(name);
    if (v) return v;
  }
  return undefined;
}
