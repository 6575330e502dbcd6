/** `kiln inspect`: what a model file holds, without planning or running it. */
import type { Graph } from '../engine/ir/graph.js';
import { formatType, type ValueType } from '../engine/ir/types.js';
import { pickFormat } from '../engine/registry.js';
import { resolveSource } from '../engine/source.js';
import type { Tensor } from '../engine/tensor.js';
import '../index.js'; // registers the formats

export interface Inspection {
  file: string;
  format: string;
  irVersion?: number;
  producer?: string;
  opsets: Record<string, number>;
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
  nodes: number;
  ops: Record<string, number>;
  initializers: number;
  weightBytes: number;
  metadata: Record<string, string>;
}

const tensorBytes = (t: Tensor): number => (Array.isArray(t.data) ? t.data.reduce((s, x) => s + x.length, 0) : t.data.byteLength);

export async function inspectModel(file: string): Promise<Inspection> {
  const src = await resolveSource(file);
  const format = pickFormat(src.bytes, src.name);
  const model = await format.load(src.bytes, { externalData: src.sibling });
  const g = model.graph;
  const ops: Record<string, number> = {};
  let nodes = 0;
  let initializers = 0;
  let weightBytes = 0;
  const visit = (x: Graph) => {
    for (const t of x.initializers.values()) { initializers++; weightBytes += tensorBytes(t); }
    for (const n of x.nodes) {
      nodes++;
      const key = n.domain ? `${n.domain}.${n.opType}` : n.opType;
      ops[key] = (ops[key] ?? 0) + 1;
      n.subgraphs().forEach(visit);
    }
  };
  visit(g);
  const typeOf = (name: string, t?: ValueType) => ({ name, type: formatType(t ?? g.valueTypes.get(name)) });
  return {
    file,
    format: format.name,
    irVersion: model.irVersion,
    producer: model.producer || undefined,
    opsets: Object.fromEntries([...g.opsets].map(([d, v]) => [d || 'ai.onnx', v])),
    inputs: g.inputs.filter((i) => !g.initializers.has(i.name)).map((i) => typeOf(i.name, i.type)),
    outputs: g.outputs.map((o) => typeOf(o.name, o.type)),
    nodes,
    ops: Object.fromEntries(Object.entries(ops).sort((a, b) => b[1] - a[1])),
    initializers,
    weightBytes,
    metadata: Object.fromEntries(model.metadata),
  };
}

export function formatInspection(i: Inspection): string {
  const mb = (b: number) => `${(b / 1048576).toFixed(2)} MiB`;
  const lines = [
    `${i.file}: ${i.format}${i.irVersion !== undefined ? ` (IR v${i.irVersion})` : ''}${i.producer ? `, from ${i.producer}` : ''}`,
    `opsets: ${Object.entries(i.opsets).map(([d, v]) => `${d} ${v}`).join(', ')}`,
    'inputs:',
    ...i.inputs.map((x) => `  ${x.name}: ${x.type}`),
    'outputs:',
    ...i.outputs.map((x) => `  ${x.name}: ${x.type}`),
    `nodes: ${i.nodes}`,
    ...Object.entries(i.ops).map(([op, n]) => `  ${String(n).padStart(5)}  ${op}`),
    `weights: ${i.initializers} initializers, ${mb(i.weightBytes)} (${i.weightBytes} bytes)`,
  ];
  return lines.join('\n') + '\n';
}
