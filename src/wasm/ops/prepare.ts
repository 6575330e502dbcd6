/** Static helpers for prepare(): a node's params from the schema over static shapes, when they are known. */
import type { Graph, Node } from '../../engine/ir/graph.js';
import { ShapeUnknown, makeContext, withOutputs } from '../../engine/ops/context.js';
import { getSchema, opKey, resolveAttrs } from '../../engine/ops/index.js';
import { lookupConstant, lookupType } from '../../engine/passes/shape-inference.js';

/** The params the executor will pass at run time, computed from static types; undefined if not known yet. */
export function staticParams<P>(g: Graph, n: Node): P | undefined {
  const schema = getSchema(opKey(n.domain, n.opType));
  if (!schema) return undefined;
  const opset = g.opsets.get(n.domain) ?? 1;
  const ctx = makeContext({
    label: n.label,
    nodeName: n.name,
    opset,
    attrs: resolveAttrs(schema, n, opset),
    inputs: n.inputs.map((i) => (i ? lookupType(g, i) : undefined)),
    present: n.inputs.map((i) => i !== ''),
    numOutputs: n.outputs.length,
    value: (i) => lookupConstant(g, n.inputs[i]!),
  });
  try {
    return schema.params(withOutputs(ctx, schema.infer(ctx))) as P;
  } catch (e) {
    if (e instanceof ShapeUnknown) return undefined;
    throw e;
  }
}
