/** TensorProto → Tensor: raw bytes become typed views (copied only when misaligned), typed fields are decoded. */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, dtypeFromOnnx, type DType } from '../../engine/ir/dtype.js';
import { Tensor, arrayClassOf, storageLength, type TensorData } from '../../engine/tensor.js';
import type { SparseTensorProto, TensorProto } from './reader.js';

/** Resolves external data: location (relative path) → the whole side file. */
export type ExternalFiles = ReadonlyMap<string, Uint8Array>;

const malformed = (t: TensorProto, msg: string): never => {
  throw new KilnError('E_MODEL_MALFORMED', `TensorProto '${t.name}' at byte ${t.offset}: ${msg}`, { offset: t.offset, tensor: t.name });
};

export function tensorDType(t: TensorProto): DType {
  const dt = dtypeFromOnnx(t.dataType);
  if (!dt) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `TensorProto '${t.name}' at byte ${t.offset}: unknown data_type ${t.dataType}`, { offset: t.offset, tensor: t.name });
  }
  return dt;
}

/** Element count from dims, rejecting negative dims and counts no memory could hold. */
export function elementCount(t: TensorProto): number {
  let n = 1;
  for (const d of t.dims) {
    if (!Number.isSafeInteger(d) || d < 0) malformed(t, `dimension ${d} is not a valid size`);
    n *= d;
    if (n > 2 ** 40) malformed(t, `dims [${t.dims.join(',')}] describe more elements than any model can hold`);
  }
  return n;
}

/** Typed view on `bytes` when aligned, else an aligned copy. */
function viewAs(type: DType, bytes: Uint8Array, count: number): TensorData {
  const C = arrayClassOf(type)!;
  const slots = storageLength(type, count);
  if (bytes.byteOffset % C.BYTES_PER_ELEMENT === 0) return new C(bytes.buffer as ArrayBuffer, bytes.byteOffset, slots) as TensorData;
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new C(copy.buffer, 0, slots) as TensorData;
}

const utf8 = new TextDecoder();

export function tensorFromProto(t: TensorProto, external?: ExternalFiles): Tensor {
  const type = tensorDType(t);
  const count = elementCount(t);
  const info = DTYPES[type];
  if (info.kind === 'block') malformed(t, `block type ${type} cannot appear in ONNX`);
  const dims = t.dims;

  if (t.dataLocation === 1) return new Tensor(type, externalBytes(t, type, count, external), dims);

  if (type === 'string') {
    const s = t.stringData ?? [];
    if (s.length !== count) malformed(t, `has ${s.length} strings for ${count} elements`);
    return new Tensor('string', s.map((b) => utf8.decode(b)), dims);
  }

  if (t.rawData !== undefined) {
    const need = storageLength(type, count) * (arrayClassOf(type)!.BYTES_PER_ELEMENT);
    if (t.rawData.byteLength !== need) malformed(t, `raw_data holds ${t.rawData.byteLength} bytes, ${type}[${dims.join(',')}] needs ${need}`);
    return new Tensor(type, viewAs(type, t.rawData, count), dims);
  }

  const slots = storageLength(type, count);
  const C = arrayClassOf(type)!;
  const field = typedField(t, type);
  const values = field.values;
  if (values.length !== slots) {
    if (values.length === 0 && count === 0) return new Tensor(type, new C(0) as TensorData, dims);
    malformed(t, `${field.name} holds ${values.length} values, ${type}[${dims.join(',')}] needs ${slots}`);
  }
  if (C === BigInt64Array || C === BigUint64Array) {
    const out = new C(slots);
    for (let i = 0; i < slots; i++) out[i] = typeof values[i] === 'bigint' ? (values[i] as bigint) : BigInt(values[i] as number);
    return new Tensor(type, out as TensorData, dims);
  }
  const out = new (C as Float64ArrayConstructor)(slots);
  for (let i = 0; i < slots; i++) out[i] = Number(values[i]);
  return new Tensor(type, out as TensorData, dims);
}

/** Which typed repeated field holds the data of each type (see TensorProto in onnx.proto). */
function typedField(t: TensorProto, type: DType): { name: string; values: readonly (number | bigint)[] } {
  switch (type) {
    case 'float32': case 'complex64': return { name: 'float_data', values: t.floatData ?? [] };
    case 'float64': case 'complex128': return { name: 'double_data', values: t.doubleData ?? [] };
    case 'int64': return { name: 'int64_data', values: t.int64Data ?? [] };
    case 'uint32': case 'uint64': return { name: 'uint64_data', values: t.uint64Data ?? [] };
    default: return { name: 'int32_data', values: t.int32Data ?? [] };
  }
}

function externalBytes(t: TensorProto, type: DType, count: number, external?: ExternalFiles): TensorData {
  const ext = t.externalData ?? new Map<string, string>();
  const location = ext.get('location');
  if (!location) malformed(t, `external data without a 'location'`);
  const file = external?.get(location!);
  if (!file) throw new KilnError('E_EXTERNAL_DATA', `TensorProto '${t.name}': external data file '${location}' was not provided`, { tensor: t.name });
  const offset = ext.has('offset') ? Number(ext.get('offset')) : 0;
  const need = storageLength(type, count) * arrayClassOf(type)!.BYTES_PER_ELEMENT;
  const length = ext.has('length') ? Number(ext.get('length')) : need;
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) malformed(t, `bad external offset/length '${ext.get('offset')}'/'${ext.get('length')}'`);
  if (length !== need) malformed(t, `external length ${length} does not match ${type}[${t.dims.join(',')}] (${need} bytes)`);
  if (offset + length > file!.byteLength) {
    throw new KilnError('E_EXTERNAL_DATA', `TensorProto '${t.name}': external file '${location}' has ${file!.byteLength} bytes, needs ${offset + length}`, { tensor: t.name });
  }
  return viewAs(type, file!.subarray(offset, offset + length), count);
}

/** SparseTensorProto → dense Tensor (values scattered into zeros). */
export function denseFromSparse(s: SparseTensorProto, external?: ExternalFiles): Tensor {
  const fail = (msg: string): never => {
    throw new KilnError('E_MODEL_MALFORMED', `SparseTensorProto at byte ${s.offset}: ${msg}`, { offset: s.offset });
  };
  if (!s.values) fail('no values');
  const values = tensorFromProto(s.values!, external);
  const dims = s.dims;
  let total = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`bad dimension ${d}`);
    total *= d;
  }
  if (total > 2 ** 31) fail(`dense size ${total} is too large`);
  const nnz = values.size;
  const idx = s.indices ? tensorFromProto(s.indices, external) : undefined;
  const flat = new Float64Array(nnz);
  if (idx) {
    const raw = idx.data as BigInt64Array;
    if (idx.type !== 'int64') fail('indices must be int64');
    if (idx.dims.length === 1) {
      if (idx.size !== nnz) fail(`${idx.size} indices for ${nnz} values`);
      for (let i = 0; i < nnz; i++) flat[i] = Number(raw[i]!);
    } else if (idx.dims.length === 2 && idx.dims[0] === nnz && idx.dims[1] === dims.length) {
      for (let i = 0; i < nnz; i++) {
        let lin = 0;
        for (let k = 0; k < dims.length; k++) lin = lin * dims[k]! + Number(raw[i * dims.length + k]!);
        flat[i] = lin;
      }
    } else fail(`indices of shape [${idx.dims.join(',')}] do not fit ${nnz} values of rank ${dims.length}`);
  }
  const C = arrayClassOf(values.type);
  if (!C) fail('sparse string tensors are not supported');
  const out = new C!(storageLength(values.type, total));
  const src = values.data as Float32Array;
  for (let i = 0; i < nnz; i++) {
    const at = flat[i]!;
    if (!(at >= 0 && at < total)) fail(`index ${at} out of range for ${total} elements`);
    (out as Float32Array)[at] = src[i]!;
  }
  return new Tensor(values.type, out as TensorData, dims);
}
