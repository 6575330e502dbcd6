/**
 * Constant folding: a node whose inputs are all constants (and that is deterministic and holds no
 * subgraph) is run once now, on the CPU evaluator backend, and its outputs become initializers. Runs after
 * shape inference: a node is folded only when its output sizes are known and small (at most `maxBytes`,
 * or no larger than its inputs), so folding never allocates much — a ConstantOfShape that fills a large
 * weight is left to run time.
 */
import type { Backend, RuntimeValue } from '../backend.js';
import type { Graph } from '../ir/graph.js';
import { runNode } from '../executor.js';
import { getSchema, opKey, resolveAttrs } from '../ops/index.js';
import { DTYPES } from '../ir/dtype.js';
import { isConcreteShape } from '../ir/types.js';
import { Tensor } from '../tensor.js';
import { inferNode, lookupConstant } from './shape-inference.js';

export interface FoldOptions {
  /** Largest folded output kept, in bytes, unless no larger than the inputs it replaces. */
  maxBytes?: number;
}

export async function foldConstants(g: Graph, evaluator: Backend, opts: FoldOptions = {}): Promise<number> {
  const maxBytes = opts.maxBytes ?? 16 << 20;
  let folded = 0;
  const keep = [];
  for (const n of g.nodes) {
    const key = opKey(n.domain, n.opType);
    const schema = getSchema(key);
    const opset = g.opsets.get(n.domain) ?? 1;
    const inputs = n.inputs.map((i) => (i ? lookupConstant(g, i) : undefined));
    const foldable = schema && !schema.nondeterministic && n.subgraphs().length === 0 && n.outputs.length > 0
      && n.inputs.every((name, i) => name === '' || inputs[i] !== undefined)
      && opset >= schema.since;
    if (foldable) inferNode(g, n); // earlier folds may have made this node's output sizes known
    const inBytes = inputs.reduce((s, t) => s + (t ? bytesOf(t) : 0), 0);
    const outBytes = n.outputs.reduce((s, o) => s + (o ? staticBytes(g, o) : 0), 0);
    let outs: RuntimeValue[] | undefined;
    if (foldable && outBytes <= Math.max(maxBytes, inBytes)) {
      const query = { node: n, schema, opKey: key, opset };
      if (evaluator.supports(query) === true) {
        try {
          const attrs = resolveAttrs(schema, n, opset);
          const env = { label: n.label, runSubgraph: () => Promise.reject(new Error('no subgraphs while folding')) };
          outs = await runNode({ node: n, schema, attrs, opset, query, backend: evaluator }, inputs, env);
        } catch {
          outs = undefined; // leave it to run time, where the error (if any) is reported with context
        }
      }
    }
    if (outs && n.outputs.every((o, i) => o === '' || outs![i] instanceof Tensor)) {
      n.outputs.forEach((o, i) => { if (o) g.initializers.set(o, outs![i] as Tensor); });
      folded++;
    } else {
      keep.push(n);
    }
  }
  g.nodes = keep;
  return folded;
}

/** Bytes of a value whose type inference made concrete; Infinity when not known. */
function staticBytes(g: Graph, name: string): number {
  const t = g.valueTypes.get(name);
  if (!t || t.kind !== 'tensor' || !isConcreteShape(t.shape)) return Infinity;
  const n = t.shape.reduce((a, b) => a * b, 1);
  return t.dtype === 'string' ? n * 16 : Math.ceil((n * Math.max(DTYPES[t.dtype].bits, 8)) / 8);
}

const bytesOf = (t: Tensor): number => (Array.isArray(t.data) ? t.size * 16 : (t.data as Uint8Array).byteLength);
