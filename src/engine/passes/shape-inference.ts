/**
 * Static shape and type inference: runs every op schema's `infer` over the graph in order, with
 * symbolic dims, and records the result in `graph.valueTypes`. A type the model declared is kept where
 * inference knows less (e.g. an unknown dim) and refined where inference knows more.
 */
import { KilnError } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { tensorType, type Dim, type ValueType } from '../ir/types.js';
import { ShapeUnknown, makeContext } from '../ops/context.js';
import { getSchema, opKey, resolveAttrs } from '../ops/index.js';
import type { Tensor } from '../tensor.js';

/** Where a value's static type and constant value are looked up: this graph, then enclosing graphs. */
export function lookupType(g: Graph, name: string): ValueType | undefined {
  for (let s: Graph | undefined = g; s; s = s.parent) {
    const t = s.valueTypes.get(name);
    if (t) return t;
    const c = s.initializers.get(name);
    if (c) return tensorType(c.type, c.dims);
  }
  return undefined;
}

/** A constant: an initializer that no feed can override (it is not also a graph input). */
export function lookupConstant(g: Graph, name: string): Tensor | undefined {
  for (let s: Graph | undefined = g; s; s = s.parent) {
    if (s.inputs.some((i) => i.name === name)) return undefined;
    const c = s.initializers.get(name);
    if (c) return c;
  }
  return undefined;
}

export function inferShapes(g: Graph): void {
  for (const n of g.nodes) inferNode(g, n);
}

/** Infers one node's output types into `g.valueTypes`. */
export function inferNode(g: Graph, n: Node): void {
  const schema = getSchema(opKey(n.domain, n.opType));
  if (!schema) return;
  const opset = g.opsets.get(n.domain) ?? 1;
  const attrs = resolveAttrs(schema, n, opset);
  const ctx = makeContext({
    label: n.label,
    nodeName: n.name,
    opset,
    attrs,
    inputs: n.inputs.map((i) => (i ? lookupType(g, i) : undefined)),
    present: n.inputs.map((i) => i !== ''),
    numOutputs: n.outputs.length,
    value: (i) => lookupConstant(g, n.inputs[i]!),
    inferSubgraph: (sub, types) => inferSubgraph(sub, types),
  });
  let out: (ValueType | undefined)[];
  try {
    out = schema.infer(ctx);
  } catch (e) {
    if (e instanceof ShapeUnknown) return;
    if (e instanceof KilnError) throw e;
    throw new KilnError('E_INTERNAL', `shape inference failed for node ${n.label}: ${(e as Error).message}`, { node: n.name }, { cause: e });
  }
  n.outputs.forEach((name, i) => {
    if (!name) return;
    const merged = mergeTypes(g.valueTypes.get(name), out[i]);
    if (merged) g.valueTypes.set(name, merged);
  });
}

export function inferSubgraph(sub: Graph, inputTypes: readonly (ValueType | undefined)[]): (ValueType | undefined)[] {
  sub.inputs.forEach((inp, i) => {
    const merged = mergeTypes(inp.type ?? sub.valueTypes.get(inp.name), inputTypes[i]);
    if (merged) sub.valueTypes.set(inp.name, merged);
  });
  try {
    inferShapes(sub);
  } catch (e) {
    // A subgraph may be invalid for inputs it never runs with (the untaken branch of an If): leave its
    // outputs unknown here; if it does run, the executor reports the error with the values at hand.
    if (!(e instanceof KilnError) || e.code === 'E_INTERNAL') throw e;
    return sub.outputs.map((o) => o.type);
  }
  return sub.outputs.map((o) => lookupType(sub, o.name));
}

/** Combines a declared and an inferred type, keeping what each knows best. */
export function mergeTypes(declared: ValueType | undefined, inferred: ValueType | undefined): ValueType | undefined {
  if (!declared) return inferred;
  if (!inferred) return declared;
  if (declared.kind !== 'tensor' || inferred.kind !== 'tensor') return inferred.kind === declared.kind ? inferred : declared;
  const shape = !declared.shape ? inferred.shape : !inferred.shape ? declared.shape
    : declared.shape.length !== inferred.shape.length ? inferred.shape
    : inferred.shape.map((d, i): Dim => (typeof d === 'number' ? d : declared.shape![i]!));
  return tensorType(inferred.dtype, shape, inferred.quant ?? declared.quant);
}
