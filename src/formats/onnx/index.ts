/** The ONNX reader: bytes (+ external data side files) → Kiln Model. */
import type { RuntimeValue } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import type { Model } from '../../engine/ir/graph.js';
import type { Tensor } from '../../engine/tensor.js';
import { AllocationBudget, ProtoReader } from './protobuf.js';
import { readModel, readOptional, readSequence, readTensor, type GraphProto, type ModelProto, type OptionalProto, type SequenceProto, type TensorProto } from './reader.js';
import { tensorFromProto } from './tensor.js';
import { modelToIR } from './to-ir.js';

export { typeFromProto } from './to-ir.js';
export { AllocationBudget } from './protobuf.js';

/** Fetches an external-data side file by its `location` (a path relative to the model). */
export type ExternalDataResolver = (location: string) => Uint8Array | Promise<Uint8Array>;

export interface OnnxLoadOptions {
  externalData?: ExternalDataResolver;
  /** Reader allocation ceiling; defaults to 64× the file size plus 1 MiB. */
  budget?: AllocationBudget;
}

/** True when the bytes look like an ONNX ModelProto (first field is ir_version, a varint with tag 0x08). */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.byteLength > 2 && bytes[0] === 0x08;
}

export async function loadOnnx(bytes: Uint8Array, opts: OnnxLoadOptions = {}): Promise<Model> {
  const proto = readModel(bytes, opts.budget);
  const locations = externalLocations(proto);
  const files = new Map<string, Uint8Array>();
  for (const loc of locations) {
    if (!opts.externalData) {
      throw new KilnError('E_EXTERNAL_DATA', `the model keeps tensor data in the side file '${loc}'; pass options.externalData (or load by path/URL so Kiln can find it)`, { tensor: loc });
    }
    if (loc.includes('..') || loc.startsWith('/') || loc.includes('\\')) {
      throw new KilnError('E_EXTERNAL_DATA', `external data location '${loc}' must be a plain relative path`, { tensor: loc });
    }
    try {
      files.set(loc, await opts.externalData(loc));
    } catch (e) {
      if (e instanceof KilnError) throw e;
      throw new KilnError('E_EXTERNAL_DATA', `could not read external data file '${loc}': ${(e as Error).message}`, { tensor: loc }, { cause: e });
    }
  }
  return modelToIR(proto, files);
}

function externalLocations(m: ModelProto): Set<string> {
  const out = new Set<string>();
  const visitTensor = (t: TensorProto | undefined) => {
    if (t && t.dataLocation === 1) {
      const loc = t.externalData?.get('location');
      if (loc) out.add(loc);
    }
  };
  const visitGraph = (g: GraphProto | undefined) => {
    if (!g) return;
    g.initializers.forEach(visitTensor);
    for (const s of g.sparseInitializers) { visitTensor(s.values); visitTensor(s.indices); }
    for (const n of g.nodes) {
      for (const a of n.attributes) {
        visitTensor(a.t);
        a.tensors.forEach(visitTensor);
        visitGraph(a.g);
        a.graphs.forEach(visitGraph);
      }
    }
  };
  visitGraph(m.graph);
  for (const f of m.functions) for (const n of f.nodes) for (const a of n.attributes) { visitTensor(a.t); visitGraph(a.g); }
  return out;
}

/** A serialized TensorProto (ONNX test data .pb) → Tensor. */
export function readTensorProto(bytes: Uint8Array): Tensor {
  return tensorFromProto(readTensor(ProtoReader.of(bytes, 'TensorProto')));
}

/** A serialized SequenceProto → array of values. */
export function readSequenceProto(bytes: Uint8Array): RuntimeValue[] {
  return sequenceValue(readSequence(ProtoReader.of(bytes, 'SequenceProto')));
}

/** A serialized OptionalProto → value or null. */
export function readOptionalProto(bytes: Uint8Array): RuntimeValue {
  return optionalValue(readOptional(ProtoReader.of(bytes, 'OptionalProto')));
}

function sequenceValue(s: SequenceProto): RuntimeValue[] {
  if (s.tensors.length) return s.tensors.map((t) => tensorFromProto(t));
  if (s.sequences.length) return s.sequences.map(sequenceValue);
  if (s.optionals.length) return s.optionals.map(optionalValue);
  return [];
}

function optionalValue(o: OptionalProto): RuntimeValue {
  if (o.tensor) return tensorFromProto(o.tensor);
  if (o.sequence) return sequenceValue(o.sequence);
  if (o.optional) return optionalValue(o.optional);
  return null;
}
