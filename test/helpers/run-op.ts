/**
 * Runs a single op on a backend, for op unit tests:
 *
 *   const [y] = await runOp('Softmax', [x], { axis: 1 }, { opset: 13 });
 *
 * Attributes are plain JS values; their ONNX kind is taken from the op's schema.
 */
import { InferenceSession, Graph, Node, Tensor, type Attribute, type Model, type RuntimeValue } from '../../src/index.js';
import { getSchema, opKey } from '../../src/engine/ops/index.js';
import { tensorType } from '../../src/engine/ir/types.js';

export interface RunOpOptions {
  opset?: number;
  domain?: string;
  backend?: string;
  /** Number of outputs (default: the schema's minimum, at least 1). */
  outputs?: number;
}

export async function runOp(
  opType: string,
  inputs: readonly (RuntimeValue | undefined)[],
  attrs: Record<string, unknown> = {},
  opts: RunOpOptions = {},
): Promise<RuntimeValue[]> {
  const domain = opts.domain ?? '';
  const schema = getSchema(opKey(domain, opType));
  const g = new Graph();
  g.opsets.set(domain, opts.opset ?? 22);
  if (domain !== '') g.opsets.set('', 22);
  const inNames = inputs.map((v, i) => (v === undefined ? '' : `in${i}`));
  inputs.forEach((v, i) => {
    if (v === undefined) return;
    g.inputs.push({ name: `in${i}`, type: v instanceof Tensor ? tensorType(v.type, v.dims) : undefined });
  });
  const nOut = opts.outputs ?? Math.max(1, schema?.outputs[0] ?? 1);
  const outNames = Array.from({ length: nOut }, (_, i) => `out${i}`);
  const attrMap = new Map<string, Attribute>();
  for (const [k, v] of Object.entries(attrs)) {
    const kind = schema?.attrs[k]?.type ?? guessKind(v);
    attrMap.set(k, { type: kind, value: v } as Attribute);
  }
  g.nodes.push(new Node(`${opType}_0`, opType, inNames, outNames, attrMap, domain));
  g.outputs = outNames.map((name) => ({ name }));
  const model: Model = { format: 'onnx', graph: g, metadata: new Map() };
  const session = await InferenceSession.fromModel(model, { backends: [opts.backend ?? 'reference'], graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, RuntimeValue> = {};
  inputs.forEach((v, i) => { if (v !== undefined) feeds[`in${i}`] = v; });
  const out = await session.runValues(feeds);
  return outNames.map((n) => out[n]!);
}

function guessKind(v: unknown): Attribute['type'] {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof Tensor) return 'tensor';
  if (v instanceof Graph) return 'graph';
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return 'strings';
    if (v.every((x) => Number.isInteger(x))) return 'ints';
    return 'floats';
  }
  throw new Error(`cannot tell the attribute kind of ${String(v)}`);
}
