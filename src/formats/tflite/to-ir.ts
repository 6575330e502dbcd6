/**
 * TFLite model → Kiln IR.
 *
 * - Every builtin operator becomes one node in the domain 'tflite' whose op type is the builtin's name
 *   (CONV_2D, ADD, …); custom operators become nodes in 'tflite.custom' named by their custom code.
 * - Layout: nothing is transposed. Tensors keep TFLite's NHWC layout and the tflite ops' kernels work in
 *   NHWC, so a model runs exactly as the file describes it (no transposes to fold, and integer results
 *   stay bit-identical to TFLite's reference kernels).
 * - Options become attributes named as in schema.fbs (`stride_w`, `fused_activation_function`, …).
 * - Quantization rides on the value types (TensorType.quant, for tools and shape inference) and, because
 *   run-time tensors carry only dtype and dims, also on each node as attributes: `in<i>_scale`,
 *   `in<i>_zp`, `in<i>_axis` for input i and `out<i>_…` for output i. Op schemas turn these into the
 *   plain fixed-point multipliers their kernels need.
 * - Subgraphs named by control-flow ops (WHILE, IF, CALL_ONCE, STABLEHLO_COMPOSITE) become graph
 *   attributes; each subgraph is lowered once and shared. TFLite subgraphs never read their caller's
 *   tensors, so sharing is safe; a subgraph that (indirectly) calls itself is rejected.
 * - A signature picks the entry subgraph and renames its inputs and outputs to the signature's names.
 */
import { KilnError } from '../../engine/errors.js';
import type { QuantParams } from '../../engine/ir/dtype.js';
import { Graph, Node, type Attribute, type Model } from '../../engine/ir/graph.js';
import { freshDim, tensorType, type Dim, type TensorType } from '../../engine/ir/types.js';
import { Tensor } from '../../engine/tensor.js';
import { builtinName, CUSTOM_CODE } from './builtin-ops.js';
import type { AllocationBudget } from './flatbuffer.js';
import { readFlexMap } from './flexbuffers.js';
import { readOptions } from './options.js';
import type { OperatorRaw, SignatureDefRaw, SubGraphRaw, TensorRaw, TfliteModelRaw } from './schema.js';
import { constantTensor, dtypeOf, elementCount } from './tensors.js';

export interface TfliteSignature {
  readonly key: string;
  readonly subgraph: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** What loadTflite returns: a Model plus the signatures the file offers and the one it was lowered for. */
export interface TfliteModel extends Model {
  readonly format: 'tflite';
  readonly signatures: readonly TfliteSignature[];
  /** The signature the graph was lowered for (undefined when lowered from a subgraph index). */
  readonly signature?: string;
}

export interface EntryChoice { signature?: string; subgraph?: number }

/** Subgraph-index option → graph attribute name. */
const GRAPH_ATTRS: Record<string, string> = {
  cond_subgraph_index: 'cond', body_subgraph_index: 'body', then_subgraph_index: 'then_branch',
  else_subgraph_index: 'else_branch', init_subgraph_index: 'init', decomposition_subgraph_index: 'decomposition',
};

export function modelToIR(raw: TfliteModelRaw, budget: AllocationBudget, choice: EntryChoice = {}): TfliteModel {
  if (raw.subgraphs.length === 0) throw new KilnError('E_MODEL_INVALID', 'the model has no subgraphs', { field: 'Model.subgraphs' });
  const signatures = raw.signatures.map((s): TfliteSignature => ({
    key: s.key, subgraph: s.subgraphIndex, inputs: s.inputs.map((m) => m.name), outputs: s.outputs.map((m) => m.name),
  }));
  let sig: SignatureDefRaw | undefined;
  let entry = 0;
  if (choice.subgraph !== undefined) {
    entry = choice.subgraph;
    if (!(Number.isInteger(entry) && entry >= 0 && entry < raw.subgraphs.length)) {
      throw new KilnError('E_INPUT_INVALID', `subgraph ${entry} does not exist; the model has ${raw.subgraphs.length}`);
    }
  } else if (choice.signature !== undefined) {
    sig = raw.signatures.find((s) => s.key === choice.signature);
    if (!sig) throw new KilnError('E_INPUT_INVALID', `the model has no signature '${choice.signature}'; signatures: ${signatures.map((s) => s.key).join(', ') || 'none'}`);
  } else {
    sig = raw.signatures[0];
  }
  if (sig) {
    entry = sig.subgraphIndex;
    if (entry >= raw.subgraphs.length) throw new KilnError('E_MODEL_MALFORMED', `signature '${sig.key}' names subgraph ${entry}; the model has ${raw.subgraphs.length}`);
  }
  const lower = new Lowering(raw, budget);
  const graph = lower.subgraph(entry, undefined, sig);
  const metadata = new Map<string, string>();
  if (raw.description) metadata.set('description', raw.description);
  for (const m of raw.metadata) metadata.set(m.name, describeMetadata(raw.buffers[m.buffer]));
  return { format: 'tflite', graph, irVersion: raw.version, producer: raw.description, metadata, signatures, signature: sig?.key };
}

function describeMetadata(b: Uint8Array | undefined): string {
  if (!b) return '<missing buffer>';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 256)).replace(/\0+$/, '');
  return b.byteLength <= 256 && /^[\x20-\x7e]*$/.test(text) ? text : `<${b.byteLength} bytes>`;
}

class Lowering {
  private readonly done = new Map<number, Graph>();
  private readonly active = new Set<number>();

  constructor(private readonly raw: TfliteModelRaw, private readonly budget: AllocationBudget) {}

  subgraph(index: number, parent: Graph | undefined, sig?: SignatureDefRaw): Graph {
    if (!sig) {
      const cached = this.done.get(index);
      if (cached) return cached;
    }
    if (this.active.has(index)) throw new KilnError('E_MODEL_INVALID', `subgraph ${index} calls itself (recursion through control-flow ops is not allowed)`);
    this.active.add(index);
    const sg = this.raw.subgraphs[index]!;
    const g = new Graph();
    g.name = sg.name || `subgraph_${index}`;
    g.parent = parent;
    g.opsets.set('tflite', 1).set('tflite.custom', 1).set('', 21);
    const names = this.valueNames(sg, sig);
    const tensor = (i: number, what: string): TensorRaw => {
      const t = sg.tensors[i];
      if (!t) throw new KilnError('E_MODEL_MALFORMED', `${what} names tensor ${i}; subgraph ${index} has ${sg.tensors.length}`, { field: what });
      return t;
    };
    const produced = new Set<number>();
    for (const op of sg.operators) for (const o of op.outputs) if (o >= 0) produced.add(o);
    const inputs = new Set(sg.inputs);
    for (const t of sg.tensors) {
      const type = this.typeOf(t);
      g.valueTypes.set(names[t.index]!, type);
      const data = this.raw.buffers[t.buffer];
      if (t.buffer !== 0 && data === undefined) throw new KilnError('E_MODEL_MALFORMED', `tensor ${t.index} '${t.name}' names buffer ${t.buffer}; the model has ${this.raw.buffers.length}`, { offset: t.offset });
      if (data && data.byteLength > 0 && !produced.has(t.index)) {
        g.initializers.set(names[t.index]!, constantTensor(t, type.dtype, t.shape, data, this.budget));
      } else if (!produced.has(t.index) && !inputs.has(t.index) && t.shape.every((d) => d >= 0) && (t.isVariable || elementCount(t, t.shape) === 0)) {
        // Variable tensors (RNN/LSTM state) start at zero on every run (int8 ones at their zero point, as
        // TFLite resets them); zero-size constants have no bytes.
        const init = Tensor.zeros(type.dtype, t.shape);
        const zp = type.dtype === 'int8' ? type.quant?.zeroPoint[0] ?? 0 : 0;
        if (zp) (init.data as Int8Array).fill(zp);
        g.initializers.set(names[t.index]!, init);
      }
    }
    for (const [k, op] of sg.operators.entries()) {
      for (const i of op.inputs) {
        const t = i >= 0 ? tensor(i, `operator ${k} input`) : undefined;
        if (t && !produced.has(i) && !inputs.has(i) && !g.initializers.has(names[i]!)) {
          throw new KilnError('E_MODEL_INVALID', `operator ${k} reads tensor ${i} '${t.name}', which has no data (buffer ${t.buffer} is empty), no producer, and is not a subgraph input`, { offset: t.offset, tensor: t.name });
        }
      }
    }
    g.inputs = sg.inputs.map((i) => ({ name: names[tensor(i, 'SubGraph.inputs').index]!, type: g.valueTypes.get(names[i]!) }));
    g.outputs = sg.outputs.map((i) => ({ name: names[tensor(i, 'SubGraph.outputs').index]!, type: g.valueTypes.get(names[i]!) }));
    sg.operators.forEach((op, k) => g.nodes.push(this.node(g, sg, op, k, names, tensor)));
    if (sig) this.applySignature(g, sg, sig, names);
    this.active.delete(index);
    if (!sig) this.done.set(index, g);
    return g;
  }

  /** Unique value names: signature aliases for the entry's inputs, else tensor names, else tensor_<i>. */
  private valueNames(sg: SubGraphRaw, sig?: SignatureDefRaw): string[] {
    const alias = new Map<number, string>();
    for (const m of sig?.inputs ?? []) if (m.name && !alias.has(m.tensorIndex)) alias.set(m.tensorIndex, m.name);
    for (const m of sig?.outputs ?? []) if (m.name && !alias.has(m.tensorIndex)) alias.set(m.tensorIndex, m.name);
    const taken = new Set(alias.values());
    return sg.tensors.map((t) => {
      const a = alias.get(t.index);
      if (a) return a;
      let n = t.name || `tensor_${t.index}`;
      if (taken.has(n)) n = `${n}#${t.index}`;
      taken.add(n);
      return n;
    });
  }

  /** Signature outputs that could not keep their alias as a value name get an Identity node. */
  private applySignature(g: Graph, sg: SubGraphRaw, sig: SignatureDefRaw, names: string[]): void {
    const outs: string[] = [];
    for (const m of sig.outputs) {
      const v = names[m.tensorIndex];
      if (v === undefined) throw new KilnError('E_MODEL_MALFORMED', `signature '${sig.key}' output '${m.name}' names tensor ${m.tensorIndex}; the subgraph has ${sg.tensors.length}`);
      if (v !== m.name) {
        g.nodes.push(new Node(`${m.name}_identity`, 'Identity', [v], [m.name]));
        g.valueTypes.set(m.name, g.valueTypes.get(v)!);
      }
      outs.push(m.name);
    }
    if (sig.outputs.length) g.outputs = outs.map((name) => ({ name, type: g.valueTypes.get(name) }));
    const sigInputs = new Set(sig.inputs.map((m) => m.tensorIndex));
    for (const i of sig.inputs) if (!sg.inputs.includes(i.tensorIndex)) throw new KilnError('E_MODEL_INVALID', `signature '${sig.key}' input '${i.name}' is not an input of subgraph ${sig.subgraphIndex}`);
    if (sigInputs.size !== sig.inputs.length) throw new KilnError('E_MODEL_INVALID', `signature '${sig.key}' lists one tensor twice among its inputs`);
  }

  private typeOf(t: TensorRaw): TensorType {
    const dtype = dtypeOf(t.type, `tensor ${t.index} '${t.name}'`, t.offset);
    let shape: Dim[] | undefined;
    if (t.shapeSignature && t.shapeSignature.length === t.shape.length) shape = t.shapeSignature.map((d, i) => (d < 0 ? freshDim() : t.shape[i]!));
    else if (t.shape.length === 0 && !t.hasRank && this.raw.buffers[t.buffer]?.byteLength === 0) shape = undefined;
    else shape = t.shape;
    return tensorType(dtype, shape, quantOf(t));
  }

  private node(g: Graph, sg: SubGraphRaw, op: OperatorRaw, k: number, names: string[], tensor: (i: number, what: string) => TensorRaw): Node {
    const code = this.raw.operatorCodes[op.opcodeIndex];
    if (!code) throw new KilnError('E_MODEL_MALFORMED', `operator ${k} names operator code ${op.opcodeIndex}; the model has ${this.raw.operatorCodes.length}`, { offset: op.offset });
    const custom = code.builtin === CUSTOM_CODE;
    const opType = custom ? code.custom || '(unnamed custom op)' : builtinName(code.builtin);
    const inputs = op.inputs.map((i) => (i < 0 ? '' : names[tensor(i, `operator ${k} (${opType}) input`).index]!));
    const outputs = op.outputs.map((i) => (i < 0 ? '' : names[tensor(i, `operator ${k} (${opType}) output`).index]!));
    const attrs = custom ? new Map<string, Attribute>() : readOptions(op.optionsType, op.options);
    for (const [key, v] of readOptions(op.options2Type, op.options2, true)) attrs.set(key, v);
    attrs.set('op_version', { type: 'int', value: code.version });
    // Kernels whose output type is not implied by their inputs (QUANTIZE, CAST, ARG_MAX…) read it here.
    const out0 = op.outputs[0] !== undefined && op.outputs[0] >= 0 ? sg.tensors[op.outputs[0]] : undefined;
    if (out0) attrs.set('out_dtype', { type: 'string', value: dtypeOf(out0.type, `tensor ${out0.index} '${out0.name}'`, out0.offset) });
    if (custom && op.customOptions) {
      attrs.set('custom_options', { type: 'tensor', value: new Tensor('uint8', op.customOptions.slice(), [op.customOptions.byteLength]) });
      for (const [key, a] of flexAttributes(op.customOptions)) if (!attrs.has(key)) attrs.set(key, a);
    }
    const addQuant = (prefix: string, idx: number) => {
      const details = idx >= 0 ? sg.tensors[idx]!.quant?.detailsType ?? 0 : 0;
      if (details !== 0) {
        const t = sg.tensors[idx]!;
        throw new KilnError('E_TYPE_UNSUPPORTED', `tensor ${t.index} '${t.name}' (read by operator ${k}, ${opType}) uses ${details === 2 ? 'blockwise' : 'custom'} quantization (QuantizationDetails type ${details}), which Kiln does not support`, { offset: t.offset, tensor: t.name });
      }
      const q = idx >= 0 ? quantOf(sg.tensors[idx]!) : undefined;
      if (!q) return;
      attrs.set(`${prefix}_scale`, { type: 'floats', value: q.scale });
      attrs.set(`${prefix}_zp`, { type: 'ints', value: q.zeroPoint });
      if (q.axis !== undefined) attrs.set(`${prefix}_axis`, { type: 'int', value: q.axis });
    };
    op.inputs.forEach((i, n) => addQuant(`in${n}`, i));
    op.outputs.forEach((i, n) => addQuant(`out${n}`, i));
    op.intermediates.forEach((i, n) => addQuant(`im${n}`, tensor(i, `operator ${k} intermediate`).index));
    for (const [opt, graphAttr] of Object.entries(GRAPH_ATTRS)) {
      const a = attrs.get(opt);
      if (a?.type !== 'int') continue;
      if (!(a.value >= 0 && a.value < this.raw.subgraphs.length)) {
        throw new KilnError('E_MODEL_MALFORMED', `operator ${k} (${opType}) names subgraph ${a.value} in ${opt}; the model has ${this.raw.subgraphs.length}`, { offset: op.offset });
      }
      attrs.set(graphAttr, { type: 'graph', value: this.subgraph(a.value, g) });
    }
    const name = outputs.find((o) => o) ?? `op_${k}`;
    return new Node(name, opType, inputs, outputs, attrs, custom ? 'tflite.custom' : 'tflite');
  }
}

/**
 * Custom options that are a FlexBuffer map (most custom ops, e.g. TFLite_Detection_PostProcess) become
 * attributes; options in any other layout (MediaPipe ops store C structs) are left to the op's schema,
 * which reads the raw `custom_options` bytes.
 */
function flexAttributes(bytes: Uint8Array): Map<string, Attribute> {
  const out = new Map<string, Attribute>();
  let map;
  try {
    map = readFlexMap(bytes);
  } catch {
    return out;
  }
  for (const [k, v] of map) {
    if (typeof v === 'boolean') out.set(k, { type: 'int', value: Number(v) });
    else if (typeof v === 'string') out.set(k, { type: 'string', value: v });
    else if (typeof v === 'number') out.set(k, Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v });
    else out.set(k, v.every(Number.isInteger) ? { type: 'ints', value: v } : { type: 'floats', value: v });
  }
  return out;
}

/** The tensor's affine quantization, when it has scales. Per-channel axes outside the rank are clamped. */
export function quantOf(t: TensorRaw): QuantParams | undefined {
  const q = t.quant;
  if (!q || q.scale.length === 0 || q.detailsType !== 0) return undefined;
  const zeroPoint = q.zeroPoint.length === q.scale.length ? q.zeroPoint : q.scale.map((_, i) => q.zeroPoint[i] ?? q.zeroPoint[0] ?? 0);
  if (q.scale.length === 1) return { scale: q.scale, zeroPoint };
  const rank = t.shape.length;
  const axis = rank > 0 && q.quantizedDimension >= rank ? rank - 1 : q.quantizedDimension;
  return { scale: q.scale, zeroPoint, axis };
}

