/** ONNX protos → Kiln IR: graphs, attributes, types; model-local functions are inlined here. */
import { KilnError } from '../../engine/errors.js';
import { dtypeFromOnnx } from '../../engine/ir/dtype.js';
import { Graph, Node, type Attribute, type Model } from '../../engine/ir/graph.js';
import { tensorType, type Dim, type ValueType } from '../../engine/ir/types.js';
import type { Tensor } from '../../engine/tensor.js';
import type { AttributeProto, FunctionProto, GraphProto, ModelProto, NodeProto, TypeProto } from './reader.js';
import { denseFromSparse, tensorFromProto, type ExternalFiles } from './tensor.js';

const utf8 = new TextDecoder();
const normDomain = (d: string): string => (d === 'ai.onnx' ? '' : d);

export function typeFromProto(t: TypeProto | undefined): ValueType | undefined {
  if (!t) return undefined;
  switch (t.kind) {
    case 'tensor':
    case 'sparse_tensor': {
      const dt = dtypeFromOnnx(t.elemType);
      if (!dt) return undefined;
      const shape = t.shape?.map((d): Dim => (d.value !== undefined ? d.value : d.param ? d.param : '?'));
      return tensorType(dt, shape?.map((d, i) => (d === '?' ? `?unnamed${i}` : d)));
    }
    case 'sequence': return { kind: 'sequence', elem: typeFromProto(t.elem) };
    case 'optional': return { kind: 'optional', elem: typeFromProto(t.elem) };
    case 'map': return { kind: 'map', key: dtypeFromOnnx(t.keyType) ?? 'int64', value: typeFromProto(t.value) };
    default: return undefined;
  }
}

interface Ctx {
  readonly external?: ExternalFiles;
  readonly functions: Map<string, FunctionProto>;
  readonly opsets: Map<string, number>;
  nameCounter: number;
}

export function modelToIR(m: ModelProto, external?: ExternalFiles): Model {
  if (!m.graph) throw new KilnError('E_MODEL_MALFORMED', 'ModelProto has no graph', { field: 'ModelProto.graph' });
  const opsets = new Map<string, number>();
  for (const o of m.opsets) opsets.set(normDomain(o.domain), Math.max(o.version, opsets.get(normDomain(o.domain)) ?? 0));
  // IR version < 3 had no opset_import: it meant ai.onnx opset 1.
  if (opsets.size === 0) opsets.set('', 1);
  const functions = new Map<string, FunctionProto>();
  for (const f of m.functions) {
    functions.set(`${normDomain(f.domain)}::${f.name}::${f.overload}`, f);
    for (const o of f.opsets) if (!opsets.has(normDomain(o.domain))) opsets.set(normDomain(o.domain), o.version);
  }
  const ctx: Ctx = { external, functions, opsets, nameCounter: 0 };
  const graph = graphToIR(m.graph, ctx, undefined);
  return { format: 'onnx', graph, irVersion: m.irVersion, producer: [m.producerName, m.producerVersion].filter(Boolean).join(' '), metadata: m.metadata };
}

function graphToIR(gp: GraphProto, ctx: Ctx, parent: Graph | undefined): Graph {
  const g = new Graph();
  g.name = gp.name;
  g.opsets = ctx.opsets;
  g.parent = parent;
  for (const t of gp.initializers) {
    if (!t.name) throw new KilnError('E_MODEL_INVALID', `initializer at byte ${t.offset} has no name`, { offset: t.offset });
    g.initializers.set(t.name, tensorFromProto(t, ctx.external));
  }
  for (const s of gp.sparseInitializers) {
    const name = s.values?.name ?? '';
    if (!name) throw new KilnError('E_MODEL_INVALID', `sparse initializer at byte ${s.offset} has no name`, { offset: s.offset });
    g.initializers.set(name, denseFromSparse(s, ctx.external));
  }
  g.inputs = gp.inputs.map((v) => ({ name: v.name, type: typeFromProto(v.type) }));
  g.outputs = gp.outputs.map((v) => ({ name: v.name, type: typeFromProto(v.type) }));
  for (const v of [...gp.inputs, ...gp.valueInfo, ...gp.outputs]) {
    const t = typeFromProto(v.type);
    if (v.name && t) g.valueTypes.set(v.name, t);
  }
  const used = new Set<string>();
  for (const np of gp.nodes) expandNode(np, g, ctx, used, new Map(), 0);
  return g;
}

/** Adds the node (or, for a model-local function, its inlined body) to `g`. */
function expandNode(np: NodeProto, g: Graph, ctx: Ctx, usedNames: Set<string>, refAttrs: Map<string, AttributeProto>, depth: number): void {
  const domain = normDomain(np.domain);
  const fn = ctx.functions.get(`${domain}::${np.opType}::${np.overload}`);
  if (fn) {
    if (depth > 32) throw new KilnError('E_MODEL_INVALID', `function ${np.opType} expands recursively`, { offset: np.offset });
    inlineFunction(np, fn, g, ctx, usedNames, refAttrs, depth);
    return;
  }
  const attrs = new Map<string, Attribute>();
  for (const ap of np.attributes) {
    let a: AttributeProto | undefined = ap;
    if (ap.refAttrName) {
      a = refAttrs.get(ap.refAttrName);
      if (!a) continue; // not given by the caller and no default: the attribute is absent
    }
    attrs.set(ap.name, attributeToIR(a, ctx, g, np));
  }
  let name = np.name || `${np.opType}_${g.nodes.length}`;
  while (usedNames.has(name)) name = `${name}_${++ctx.nameCounter}`;
  usedNames.add(name);
  g.nodes.push(new Node(name, np.opType, [...np.inputs], [...np.outputs], attrs, domain));
}

function inlineFunction(call: NodeProto, fn: FunctionProto, g: Graph, ctx: Ctx, used: Set<string>, outerRefs: Map<string, AttributeProto>, depth: number): void {
  const prefix = `${call.name || fn.name}__${++ctx.nameCounter}/`;
  const rename = new Map<string, string>();
  fn.inputs.forEach((n, i) => rename.set(n, call.inputs[i] ?? ''));
  fn.outputs.forEach((n, i) => rename.set(n, call.outputs[i] ?? ''));
  const mapName = (n: string): string => {
    if (n === '') return '';
    if (!rename.has(n)) rename.set(n, prefix + n);
    return rename.get(n)!;
  };
  // Attribute values visible to the body: the caller's, else the function's defaults.
  const refs = new Map<string, AttributeProto>();
  for (const d of fn.attributeProtos) refs.set(d.name, d);
  for (const a of call.attributes) {
    const resolved = a.refAttrName ? outerRefs.get(a.refAttrName) : a;
    if (resolved) refs.set(a.name, { ...resolved, name: a.name });
  }
  for (const body of fn.nodes) {
    const np: NodeProto = { ...body, name: body.name ? prefix + body.name : '', inputs: body.inputs.map(mapName), outputs: body.outputs.map(mapName) };
    expandNode(np, g, ctx, used, refs, depth + 1);
  }
}

const ATTR_TYPES: Record<number, Attribute['type']> = {
  1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 6: 'floats', 7: 'ints', 8: 'strings', 9: 'tensors', 10: 'graphs',
  11: 'tensor', 12: 'tensors', 13: 'type', 14: 'types',
};

function attributeToIR(a: AttributeProto, ctx: Ctx, g: Graph, np: NodeProto): Attribute {
  let kind: Attribute['type'] | undefined = ATTR_TYPES[a.type];
  if (a.type === 0) kind = guessKind(a); // IR v1 attributes carry no type
  const bad = (): never => {
    throw new KilnError('E_MODEL_MALFORMED', `attribute '${a.name}' of node '${np.name || np.opType}' at byte ${a.offset}: type ${a.type} does not match its value`, { offset: a.offset });
  };
  switch (kind) {
    case 'float': return { type: 'float', value: a.f ?? 0 };
    case 'int': return { type: 'int', value: a.i ?? 0 };
    case 'string': return { type: 'string', value: utf8.decode(a.s ?? new Uint8Array()) };
    case 'tensor': {
      const t: Tensor | undefined = a.t ? tensorFromProto(a.t, ctx.external) : a.sparseTensor ? denseFromSparse(a.sparseTensor, ctx.external) : undefined;
      return t ? { type: 'tensor', value: t } : bad();
    }
    case 'graph': return a.g ? { type: 'graph', value: graphToIR(a.g, ctx, g) } : bad();
    case 'floats': return { type: 'floats', value: a.floats };
    case 'ints': return { type: 'ints', value: a.ints };
    case 'strings': return { type: 'strings', value: a.strings.map((s) => utf8.decode(s)) };
    case 'tensors': return { type: 'tensors', value: [...a.tensors.map((t) => tensorFromProto(t, ctx.external)), ...a.sparseTensors.map((s) => denseFromSparse(s, ctx.external))] };
    case 'graphs': return { type: 'graphs', value: a.graphs.map((x) => graphToIR(x, ctx, g)) };
    case 'type': { const t = typeFromProto(a.tp); return t ? { type: 'type', value: t } : bad(); }
    case 'types': return { type: 'types', value: a.typeProtos.map((t) => typeFromProto(t)).filter((t): t is ValueType => t !== undefined) };
    default: return bad();
  }
}

function guessKind(a: AttributeProto): Attribute['type'] | undefined {
  if (a.f !== undefined) return 'float';
  if (a.i !== undefined) return 'int';
  if (a.s !== undefined) return 'string';
  if (a.t !== undefined) return 'tensor';
  if (a.g !== undefined) return 'graph';
  if (a.floats.length) return 'floats';
  if (a.ints.length) return 'ints';
  if (a.strings.length) return 'strings';
  if (a.tensors.length) return 'tensors';
  if (a.graphs.length) return 'graphs';
  return undefined;
}
