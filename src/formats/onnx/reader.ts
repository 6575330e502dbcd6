/**
 * ONNX in brief: a .onnx file is one protobuf ModelProto (onnx/onnx.proto3). It holds the IR version,
 * the opsets imported per domain, and a GraphProto: nodes (op type, domain, named inputs/outputs,
 * attributes, which may themselves hold subgraphs), initializers (TensorProto: dims, a data type code and
 * the data, either as raw little-endian bytes or in typed repeated fields, or in an external side file),
 * and the graph's inputs/outputs with their types. Model-local FunctionProtos define composite ops that a
 * runtime inlines. This file turns the bytes into plain objects; to-ir.ts turns those into Kiln's Graph.
 */
import { ProtoReader, WIRE, type AllocationBudget } from './protobuf.js';

export interface TensorProto {
  dims: number[];
  dataType: number;
  name: string;
  /** Raw little-endian bytes, a view into the file. */
  rawData?: Uint8Array;
  floatData?: number[];
  int32Data?: number[];
  int64Data?: bigint[];
  uint64Data?: bigint[];
  doubleData?: number[];
  stringData?: Uint8Array[];
  externalData?: Map<string, string>;
  dataLocation: number; // 0 DEFAULT, 1 EXTERNAL
  /** Byte offset of the TensorProto in the file, for messages. */
  offset: number;
}

export interface SparseTensorProto { values?: TensorProto; indices?: TensorProto; dims: number[]; offset: number }

export interface DimProto { value?: number; param?: string }
export type TypeProto =
  | { kind: 'tensor'; elemType: number; shape?: DimProto[] }
  | { kind: 'sparse_tensor'; elemType: number; shape?: DimProto[] }
  | { kind: 'sequence'; elem?: TypeProto }
  | { kind: 'optional'; elem?: TypeProto }
  | { kind: 'map'; keyType: number; value?: TypeProto }
  | { kind: 'unknown' };

export interface ValueInfoProto { name: string; type?: TypeProto }

export interface AttributeProto {
  name: string;
  refAttrName?: string;
  type: number;
  f?: number; i?: number; s?: Uint8Array; t?: TensorProto; g?: GraphProto; sparseTensor?: SparseTensorProto; tp?: TypeProto;
  floats: number[]; ints: number[]; strings: Uint8Array[]; tensors: TensorProto[]; graphs: GraphProto[];
  sparseTensors: SparseTensorProto[]; typeProtos: TypeProto[];
  offset: number;
}

export interface NodeProto {
  inputs: string[]; outputs: string[]; name: string; opType: string; domain: string; overload: string;
  attributes: AttributeProto[]; offset: number;
}

export interface GraphProto {
  nodes: NodeProto[]; name: string; initializers: TensorProto[]; sparseInitializers: SparseTensorProto[];
  inputs: ValueInfoProto[]; outputs: ValueInfoProto[]; valueInfo: ValueInfoProto[]; offset: number;
}

export interface OpsetProto { domain: string; version: number }

export interface FunctionProto {
  name: string; domain: string; overload: string; inputs: string[]; outputs: string[]; attributes: string[];
  attributeProtos: AttributeProto[]; nodes: NodeProto[]; opsets: OpsetProto[]; offset: number;
}

export interface ModelProto {
  irVersion: number; opsets: OpsetProto[]; producerName: string; producerVersion: string; domain: string;
  modelVersion: number; docString: string; graph?: GraphProto; metadata: Map<string, string>; functions: FunctionProto[];
}

/** Deepest nesting of subgraphs accepted (a malicious file could otherwise recurse without bound). */
const MAX_DEPTH = 64;

export function readModel(bytes: Uint8Array, budget?: AllocationBudget): ModelProto {
  const r = ProtoReader.of(bytes, 'ModelProto', budget);
  const m: ModelProto = {
    irVersion: 0, opsets: [], producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '',
    metadata: new Map(), functions: [],
  };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.VARINT, 'ir_version'); m.irVersion = r.int64('ir_version'); break;
      case 2: r.expect(w, WIRE.LEN, 'producer_name'); m.producerName = r.string('producer_name'); break;
      case 3: r.expect(w, WIRE.LEN, 'producer_version'); m.producerVersion = r.string('producer_version'); break;
      case 4: r.expect(w, WIRE.LEN, 'domain'); m.domain = r.string('domain'); break;
      case 5: r.expect(w, WIRE.VARINT, 'model_version'); m.modelVersion = r.int64('model_version'); break;
      case 6: r.expect(w, WIRE.LEN, 'doc_string'); m.docString = r.string('doc_string'); break;
      case 7: r.expect(w, WIRE.LEN, 'graph'); m.graph = readGraph(r.message('graph', 'GraphProto'), 0); break;
      case 8: r.expect(w, WIRE.LEN, 'opset_import'); m.opsets.push(readOpset(r.message('opset_import', 'OperatorSetIdProto'))); break;
      case 14: { r.expect(w, WIRE.LEN, 'metadata_props'); const [k, v] = readStringEntry(r.message('metadata_props', 'StringStringEntryProto')); m.metadata.set(k, v); break; }
      case 25: r.expect(w, WIRE.LEN, 'functions'); m.functions.push(readFunction(r.message('functions', 'FunctionProto'))); break;
      default: r.skip(w);
    }
  }
  return m;
}

function readOpset(r: ProtoReader): OpsetProto {
  const o: OpsetProto = { domain: '', version: 0 };
  while (!r.done) {
    const [f, w] = r.key();
    if (f === 1) { r.expect(w, WIRE.LEN, 'domain'); o.domain = r.string('domain'); }
    else if (f === 2) { r.expect(w, WIRE.VARINT, 'version'); o.version = r.int64('version'); }
    else r.skip(w);
  }
  return o;
}

function readStringEntry(r: ProtoReader): [string, string] {
  let k = '';
  let v = '';
  while (!r.done) {
    const [f, w] = r.key();
    if (f === 1) { r.expect(w, WIRE.LEN, 'key'); k = r.string('key'); }
    else if (f === 2) { r.expect(w, WIRE.LEN, 'value'); v = r.string('value'); }
    else r.skip(w);
  }
  return [k, v];
}

function readGraph(r: ProtoReader, depth: number): GraphProto {
  if (depth > MAX_DEPTH) r.fail(`subgraphs nested deeper than ${MAX_DEPTH}`);
  const g: GraphProto = { nodes: [], name: '', initializers: [], sparseInitializers: [], inputs: [], outputs: [], valueInfo: [], offset: r.start };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'node'); g.nodes.push(readNode(r.message('node', 'NodeProto'), depth)); break;
      case 2: r.expect(w, WIRE.LEN, 'name'); g.name = r.string('name'); break;
      case 5: r.expect(w, WIRE.LEN, 'initializer'); g.initializers.push(readTensor(r.message('initializer', 'TensorProto'))); break;
      case 11: r.expect(w, WIRE.LEN, 'input'); g.inputs.push(readValueInfo(r.message('input', 'ValueInfoProto'))); break;
      case 12: r.expect(w, WIRE.LEN, 'output'); g.outputs.push(readValueInfo(r.message('output', 'ValueInfoProto'))); break;
      case 13: r.expect(w, WIRE.LEN, 'value_info'); g.valueInfo.push(readValueInfo(r.message('value_info', 'ValueInfoProto'))); break;
      case 15: r.expect(w, WIRE.LEN, 'sparse_initializer'); g.sparseInitializers.push(readSparse(r.message('sparse_initializer', 'SparseTensorProto'))); break;
      default: r.skip(w);
    }
  }
  return g;
}

function readNode(r: ProtoReader, depth: number): NodeProto {
  const n: NodeProto = { inputs: [], outputs: [], name: '', opType: '', domain: '', overload: '', attributes: [], offset: r.start };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'input'); n.inputs.push(r.string('input')); break;
      case 2: r.expect(w, WIRE.LEN, 'output'); n.outputs.push(r.string('output')); break;
      case 3: r.expect(w, WIRE.LEN, 'name'); n.name = r.string('name'); break;
      case 4: r.expect(w, WIRE.LEN, 'op_type'); n.opType = r.string('op_type'); break;
      case 5: r.expect(w, WIRE.LEN, 'attribute'); n.attributes.push(readAttribute(r.message('attribute', 'AttributeProto'), depth)); break;
      case 7: r.expect(w, WIRE.LEN, 'domain'); n.domain = r.string('domain'); break;
      case 8: r.expect(w, WIRE.LEN, 'overload'); n.overload = r.string('overload'); break;
      default: r.skip(w);
    }
  }
  if (!n.opType) r.fail('node has no op_type', r.start, 'op_type');
  return n;
}

function readAttribute(r: ProtoReader, depth: number): AttributeProto {
  const a: AttributeProto = {
    name: '', type: 0, floats: [], ints: [], strings: [], tensors: [], graphs: [], sparseTensors: [], typeProtos: [], offset: r.start,
  };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'name'); a.name = r.string('name'); break;
      case 2: r.expect(w, WIRE.I32, 'f'); a.f = r.float32('f'); break;
      case 3: r.expect(w, WIRE.VARINT, 'i'); a.i = r.int64('i'); break;
      case 4: r.expect(w, WIRE.LEN, 's'); a.s = r.bytes('s'); break;
      case 5: r.expect(w, WIRE.LEN, 't'); a.t = readTensor(r.message('t', 'TensorProto')); break;
      case 6: r.expect(w, WIRE.LEN, 'g'); a.g = readGraph(r.message('g', 'GraphProto'), depth + 1); break;
      case 7: r.repeated(w, WIRE.I32, 'floats', a.floats, (s) => s.float32('floats'), 8); break;
      case 8: r.repeated(w, WIRE.VARINT, 'ints', a.ints, (s) => s.int64('ints'), 8); break;
      case 9: r.expect(w, WIRE.LEN, 'strings'); a.strings.push(r.bytes('strings')); break;
      case 10: r.expect(w, WIRE.LEN, 'tensors'); a.tensors.push(readTensor(r.message('tensors', 'TensorProto'))); break;
      case 11: r.expect(w, WIRE.LEN, 'graphs'); a.graphs.push(readGraph(r.message('graphs', 'GraphProto'), depth + 1)); break;
      case 14: r.expect(w, WIRE.LEN, 'tp'); a.tp = readType(r.message('tp', 'TypeProto'), depth + 1); break;
      case 15: r.expect(w, WIRE.LEN, 'type_protos'); a.typeProtos.push(readType(r.message('type_protos', 'TypeProto'), depth + 1)); break;
      case 20: r.expect(w, WIRE.VARINT, 'type'); a.type = r.int32('type'); break;
      case 21: r.expect(w, WIRE.LEN, 'ref_attr_name'); a.refAttrName = r.string('ref_attr_name'); break;
      case 22: r.expect(w, WIRE.LEN, 'sparse_tensor'); a.sparseTensor = readSparse(r.message('sparse_tensor', 'SparseTensorProto')); break;
      case 23: r.expect(w, WIRE.LEN, 'sparse_tensors'); a.sparseTensors.push(readSparse(r.message('sparse_tensors', 'SparseTensorProto'))); break;
      default: r.skip(w);
    }
  }
  return a;
}

export function readTensor(r: ProtoReader): TensorProto {
  const t: TensorProto = { dims: [], dataType: 0, name: '', dataLocation: 0, offset: r.start };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.repeated(w, WIRE.VARINT, 'dims', t.dims, (s) => s.int64('dims'), 8); break;
      case 2: r.expect(w, WIRE.VARINT, 'data_type'); t.dataType = r.int32('data_type'); break;
      case 4: r.repeated(w, WIRE.I32, 'float_data', (t.floatData ??= []), (s) => s.float32('float_data'), 8); break;
      case 5: r.repeated(w, WIRE.VARINT, 'int32_data', (t.int32Data ??= []), (s) => s.int32('int32_data'), 8); break;
      case 6: r.expect(w, WIRE.LEN, 'string_data'); (t.stringData ??= []).push(r.bytes('string_data')); break;
      case 7: r.repeated(w, WIRE.VARINT, 'int64_data', (t.int64Data ??= []), (s) => s.varintBig('int64_data'), 16); break;
      case 8: r.expect(w, WIRE.LEN, 'name'); t.name = r.string('name'); break;
      case 9: r.expect(w, WIRE.LEN, 'raw_data'); t.rawData = r.bytes('raw_data'); break;
      case 10: r.repeated(w, WIRE.I64, 'double_data', (t.doubleData ??= []), (s) => s.float64('double_data'), 8); break;
      case 11: r.repeated(w, WIRE.VARINT, 'uint64_data', (t.uint64Data ??= []), (s) => BigInt.asUintN(64, s.varintBig('uint64_data')), 16); break;
      case 13: {
        r.expect(w, WIRE.LEN, 'external_data');
        const [k, v] = readStringEntry(r.message('external_data', 'StringStringEntryProto'));
        (t.externalData ??= new Map()).set(k, v);
        break;
      }
      case 14: r.expect(w, WIRE.VARINT, 'data_location'); t.dataLocation = r.int32('data_location'); break;
      default: r.skip(w);
    }
  }
  return t;
}

function readSparse(r: ProtoReader): SparseTensorProto {
  const s: SparseTensorProto = { dims: [], offset: r.start };
  while (!r.done) {
    const [f, w] = r.key();
    if (f === 1) { r.expect(w, WIRE.LEN, 'values'); s.values = readTensor(r.message('values', 'TensorProto')); }
    else if (f === 2) { r.expect(w, WIRE.LEN, 'indices'); s.indices = readTensor(r.message('indices', 'TensorProto')); }
    else if (f === 3) r.repeated(w, WIRE.VARINT, 'dims', s.dims, (x) => x.int64('dims'), 8);
    else r.skip(w);
  }
  return s;
}

function readValueInfo(r: ProtoReader): ValueInfoProto {
  const v: ValueInfoProto = { name: '' };
  while (!r.done) {
    const [f, w] = r.key();
    if (f === 1) { r.expect(w, WIRE.LEN, 'name'); v.name = r.string('name'); }
    else if (f === 2) { r.expect(w, WIRE.LEN, 'type'); v.type = readType(r.message('type', 'TypeProto'), 0); }
    else r.skip(w);
  }
  return v;
}

export function readType(r: ProtoReader, depth: number): TypeProto {
  if (depth > MAX_DEPTH) r.fail(`types nested deeper than ${MAX_DEPTH}`);
  let t: TypeProto = { kind: 'unknown' };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'tensor_type'); t = readTensorTypeBody(r.message('tensor_type', 'TypeProto.Tensor'), 'tensor'); break;
      case 8: r.expect(w, WIRE.LEN, 'sparse_tensor_type'); t = readTensorTypeBody(r.message('sparse_tensor_type', 'TypeProto.SparseTensor'), 'sparse_tensor'); break;
      case 4: r.expect(w, WIRE.LEN, 'sequence_type'); t = { kind: 'sequence', elem: readElemType(r.message('sequence_type', 'TypeProto.Sequence'), depth) }; break;
      case 9: r.expect(w, WIRE.LEN, 'optional_type'); t = { kind: 'optional', elem: readElemType(r.message('optional_type', 'TypeProto.Optional'), depth) }; break;
      case 5: {
        r.expect(w, WIRE.LEN, 'map_type');
        const m = r.message('map_type', 'TypeProto.Map');
        const mt: TypeProto = { kind: 'map', keyType: 0 };
        while (!m.done) {
          const [mf, mw] = m.key();
          if (mf === 1) { m.expect(mw, WIRE.VARINT, 'key_type'); mt.keyType = m.int32('key_type'); }
          else if (mf === 2) { m.expect(mw, WIRE.LEN, 'value_type'); mt.value = readType(m.message('value_type', 'TypeProto'), depth + 1); }
          else m.skip(mw);
        }
        t = mt;
        break;
      }
      default: r.skip(w);
    }
  }
  return t;
}

function readElemType(r: ProtoReader, depth: number): TypeProto | undefined {
  let elem: TypeProto | undefined;
  while (!r.done) {
    const [f, w] = r.key();
    if (f === 1) { r.expect(w, WIRE.LEN, 'elem_type'); elem = readType(r.message('elem_type', 'TypeProto'), depth + 1); }
    else r.skip(w);
  }
  return elem;
}

function readTensorTypeBody(r: ProtoReader, kind: 'tensor' | 'sparse_tensor'): TypeProto {
  let elemType = 0;
  let shape: DimProto[] | undefined;
  while (!r.done) {
    const [f, w] = r.key();
    if (f === 1) { r.expect(w, WIRE.VARINT, 'elem_type'); elemType = r.int32('elem_type'); }
    else if (f === 2) {
      r.expect(w, WIRE.LEN, 'shape');
      const s = r.message('shape', 'TensorShapeProto');
      shape = [];
      while (!s.done) {
        const [sf, sw] = s.key();
        if (sf === 1) {
          s.expect(sw, WIRE.LEN, 'dim');
          const d = s.message('dim', 'TensorShapeProto.Dimension');
          const dim: DimProto = {};
          while (!d.done) {
            const [df, dw] = d.key();
            if (df === 1) { d.expect(dw, WIRE.VARINT, 'dim_value'); dim.value = d.int64('dim_value'); }
            else if (df === 2) { d.expect(dw, WIRE.LEN, 'dim_param'); dim.param = d.string('dim_param'); }
            else d.skip(dw);
          }
          shape.push(dim);
        } else s.skip(sw);
      }
    } else r.skip(w);
  }
  return { kind, elemType, shape };
}

function readFunction(r: ProtoReader): FunctionProto {
  const fn: FunctionProto = { name: '', domain: '', overload: '', inputs: [], outputs: [], attributes: [], attributeProtos: [], nodes: [], opsets: [], offset: r.start };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'name'); fn.name = r.string('name'); break;
      case 4: r.expect(w, WIRE.LEN, 'input'); fn.inputs.push(r.string('input')); break;
      case 5: r.expect(w, WIRE.LEN, 'output'); fn.outputs.push(r.string('output')); break;
      case 6: r.expect(w, WIRE.LEN, 'attribute'); fn.attributes.push(r.string('attribute')); break;
      case 7: r.expect(w, WIRE.LEN, 'node'); fn.nodes.push(readNode(r.message('node', 'NodeProto'), 1)); break;
      case 9: r.expect(w, WIRE.LEN, 'opset_import'); fn.opsets.push(readOpset(r.message('opset_import', 'OperatorSetIdProto'))); break;
      case 10: r.expect(w, WIRE.LEN, 'domain'); fn.domain = r.string('domain'); break;
      case 11: r.expect(w, WIRE.LEN, 'attribute_proto'); fn.attributeProtos.push(readAttribute(r.message('attribute_proto', 'AttributeProto'), 1)); break;
      case 13: r.expect(w, WIRE.LEN, 'overload'); fn.overload = r.string('overload'); break;
      default: r.skip(w);
    }
  }
  return fn;
}

/** SequenceProto / OptionalProto (test data files). */
export interface SequenceProto { name: string; elemType: number; tensors: TensorProto[]; sequences: SequenceProto[]; optionals: OptionalProto[] }
export interface OptionalProto { name: string; elemType: number; tensor?: TensorProto; sequence?: SequenceProto; optional?: OptionalProto }

export function readSequence(r: ProtoReader, depth = 0): SequenceProto {
  if (depth > MAX_DEPTH) r.fail('sequences nested too deep');
  const s: SequenceProto = { name: '', elemType: 0, tensors: [], sequences: [], optionals: [] };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'name'); s.name = r.string('name'); break;
      case 2: r.expect(w, WIRE.VARINT, 'elem_type'); s.elemType = r.int32('elem_type'); break;
      case 3: r.expect(w, WIRE.LEN, 'tensor_values'); s.tensors.push(readTensor(r.message('tensor_values', 'TensorProto'))); break;
      case 5: r.expect(w, WIRE.LEN, 'sequence_values'); s.sequences.push(readSequence(r.message('sequence_values', 'SequenceProto'), depth + 1)); break;
      case 7: r.expect(w, WIRE.LEN, 'optional_values'); s.optionals.push(readOptional(r.message('optional_values', 'OptionalProto'), depth + 1)); break;
      default: r.skip(w);
    }
  }
  return s;
}

export function readOptional(r: ProtoReader, depth = 0): OptionalProto {
  if (depth > MAX_DEPTH) r.fail('optionals nested too deep');
  const o: OptionalProto = { name: '', elemType: 0 };
  while (!r.done) {
    const [f, w] = r.key();
    switch (f) {
      case 1: r.expect(w, WIRE.LEN, 'name'); o.name = r.string('name'); break;
      case 2: r.expect(w, WIRE.VARINT, 'elem_type'); o.elemType = r.int32('elem_type'); break;
      case 3: r.expect(w, WIRE.LEN, 'tensor_value'); o.tensor = readTensor(r.message('tensor_value', 'TensorProto')); break;
      case 5: r.expect(w, WIRE.LEN, 'sequence_value'); o.sequence = readSequence(r.message('sequence_value', 'SequenceProto'), depth + 1); break;
      case 7: r.expect(w, WIRE.LEN, 'optional_value'); o.optional = readOptional(r.message('optional_value', 'OptionalProto'), depth + 1); break;
      default: r.skip(w);
    }
  }
  return o;
}
