/**
 * TFLite tensor types and constant data → Kiln dtypes and Tensors. Buffers become typed views into the
 * file (copied only when misaligned); string tensors are decoded from TFLite's packed layout; sparse
 * tensors (TACO format: a traversal order, an optional block map, and per dimension either a dense size
 * or CSR segments + indices) are densified here, once, at load time.
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, type DType } from '../../engine/ir/dtype.js';
import { Tensor, arrayClassOf, storageLength, type TensorData } from '../../engine/tensor.js';
import type { AllocationBudget } from './flatbuffer.js';
import type { SparsityRaw, TensorRaw } from './schema.js';

/** schema.fbs `enum TensorType`, by number. RESOURCE (13) and VARIANT (14) have no Kiln dtype. */
const TYPES: readonly (DType | undefined)[] = [
  'float32', 'float16', 'int32', 'uint8', 'int64', 'string', 'bool', 'int16', 'complex64', 'int8', 'float64',
  'complex128', 'uint64', undefined, undefined, 'uint32', 'uint16', 'int4', 'bfloat16', 'int2', 'uint4',
];
const TYPE_NAMES = ['FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8', 'FLOAT64',
  'COMPLEX128', 'UINT64', 'RESOURCE', 'VARIANT', 'UINT32', 'UINT16', 'INT4', 'BFLOAT16', 'INT2', 'UINT4'];

export const tfliteTypeName = (code: number): string => TYPE_NAMES[code] ?? `TensorType#${code}`;

export function dtypeOf(code: number, what: string, offset: number): DType {
  const t = TYPES[code];
  if (t) return t;
  if (code === 13 || code === 14) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `${what} has type ${tfliteTypeName(code)}: resource and variant tensors (resource variables, hash tables, tensor lists) are not supported`, { offset });
  }
  throw new KilnError('E_MODEL_MALFORMED', `${what} has unknown tensor type ${code} at byte ${offset}`, { offset });
}

const malformed = (t: TensorRaw, msg: string): never => {
  throw new KilnError('E_MODEL_MALFORMED', `tensor ${t.index} '${t.name}' at byte ${t.offset}: ${msg}`, { offset: t.offset, tensor: t.name });
};

/** Element count of a shape, rejecting negative dims and counts no memory could hold. */
export function elementCount(t: TensorRaw, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) malformed(t, `dimension ${d} is not a valid size`);
    n *= d;
  }
  if (n > 2 ** 40) malformed(t, `shape [${shape.join(',')}] describes more elements than any model can hold`);
  return n;
}

function viewAs(type: DType, bytes: Uint8Array, count: number): TensorData {
  const C = arrayClassOf(type)!;
  const slots = storageLength(type, count);
  if (bytes.byteOffset % C.BYTES_PER_ELEMENT === 0) return new C(bytes.buffer as ArrayBuffer, bytes.byteOffset, slots) as TensorData;
  return new C(bytes.slice().buffer, 0, slots) as TensorData;
}

/** TFLite string buffers: i32 count N, N+1 i32 offsets from the buffer start, then the bytes. */
function decodeStrings(t: TensorRaw, b: Uint8Array, count: number, budget: AllocationBudget): string[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.byteLength < 4) malformed(t, `string buffer of ${b.byteLength} bytes has no count`);
  const n = dv.getInt32(0, true);
  if (n !== count) malformed(t, `string buffer holds ${n} strings, the shape needs ${count}`);
  if (4 * (n + 2) > b.byteLength) malformed(t, `string buffer of ${b.byteLength} bytes is too short for ${n} offsets`);
  budget.charge(2 * b.byteLength + 16 * n, t.offset, `tensor '${t.name}' strings`);
  const utf8 = new TextDecoder();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = dv.getInt32(4 + 4 * i, true);
    const e = dv.getInt32(8 + 4 * i, true);
    if (!(a >= 0 && a <= e && e <= b.byteLength)) malformed(t, `string ${i} spans bytes ${a}..${e} of a ${b.byteLength}-byte buffer`);
    out.push(utf8.decode(b.subarray(a, e)));
  }
  return out;
}

/** A constant tensor from its buffer bytes (dense or sparse). */
export function constantTensor(t: TensorRaw, type: DType, shape: readonly number[], bytes: Uint8Array, budget: AllocationBudget): Tensor {
  const count = elementCount(t, shape);
  if (type === 'string') return new Tensor('string', decodeStrings(t, bytes, count, budget), shape);
  if (t.sparsity) return densify(t, type, shape, bytes, budget);
  const need = DTYPES[type].kind === 'complex' ? count * DTYPES[type].bits / 8 : Math.ceil((count * DTYPES[type].bits) / 8);
  if (bytes.byteLength !== need) malformed(t, `${type}[${shape.join(',')}] needs ${need} bytes of data, its buffer has ${bytes.byteLength}`);
  return new Tensor(type, viewAs(type, bytes, count), shape);
}

/** Sparse (TACO-format) values → a dense tensor of `shape`. */
function densify(t: TensorRaw, type: DType, shape: readonly number[], bytes: Uint8Array, budget: AllocationBudget): Tensor {
  const sp: SparsityRaw = t.sparsity!;
  if (DTYPES[type].bits < 8) malformed(t, `sparse ${type} tensors are not supported`);
  const elemBytes = DTYPES[type].bits / 8;
  if (bytes.byteLength % elemBytes !== 0) malformed(t, `sparse values buffer of ${bytes.byteLength} bytes is not a whole number of ${type} elements`);
  const values = viewAs(type, bytes, bytes.byteLength / elemBytes) as Exclude<TensorData, string[]>;
  const rank = shape.length;
  const levels = sp.traversalOrder.length;
  if (levels !== sp.dimMetadata.length || levels < rank || levels - rank !== sp.blockMap.length) {
    malformed(t, `sparsity has ${levels} traversal dims, ${sp.dimMetadata.length} dim metadata and ${sp.blockMap.length} block dims for rank ${rank}`);
  }
  const seen = new Set(sp.traversalOrder);
  if (seen.size !== levels || sp.traversalOrder.some((d) => !(d >= 0 && d < levels))) malformed(t, `traversal order [${sp.traversalOrder.join(',')}] is not a permutation`);
  if (sp.blockMap.some((d) => !(d >= 0 && d < rank))) malformed(t, `block map [${sp.blockMap.join(',')}] names a dimension outside rank ${rank}`);
  const blockSize = sp.blockMap.map((_, j) => sp.dimMetadata[sp.traversalOrder.indexOf(rank + j)]!.denseSize);
  const count = elementCount(t, shape);
  budget.charge(count * elemBytes, t.offset, `tensor '${t.name}' densified`);
  const out = new (values.constructor as { new(n: number): typeof values })(count);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const idx = new Array<number>(levels).fill(0);
  let src = 0;
  const place = () => {
    const orig = new Array<number>(rank).fill(0);
    for (let l = 0; l < levels; l++) {
      const d = sp.traversalOrder[l]!;
      if (d < rank) orig[d] = idx[l]!;
    }
    for (let l = 0; l < levels; l++) {
      const d = sp.traversalOrder[l]!;
      if (d >= rank) orig[sp.blockMap[d - rank]!] = orig[sp.blockMap[d - rank]!]! * blockSize[d - rank]! + idx[l]!;
    }
    let flat = 0;
    for (let k = 0; k < rank; k++) {
      if (!(orig[k]! < shape[k]!)) malformed(t, `sparse element lands outside shape [${shape.join(',')}]`);
      flat += orig[k]! * strides[k]!;
    }
    if (src >= values.length) malformed(t, `sparse index data needs more than the ${values.length} stored values`);
    (out as Float32Array)[flat] = (values as Float32Array)[src++]!;
  };
  const visit = (level: number, prev: number): void => {
    if (level === levels) return place();
    const md = sp.dimMetadata[level]!;
    if (md.format === 0) {
      if (!(md.denseSize >= 0 && md.denseSize <= count)) malformed(t, `dense size ${md.denseSize} at sparse level ${level}`);
      for (let i = 0; i < md.denseSize; i++) {
        idx[level] = i;
        visit(level + 1, prev * md.denseSize + i);
      }
      return;
    }
    const seg = md.segments;
    const ind = md.indices;
    if (!seg || !ind) return malformed(t, `sparse level ${level} lacks its segments or indices`);
    const a = seg[prev];
    const b = seg[prev + 1];
    if (a === undefined || b === undefined || !(a <= b && b <= ind.length)) malformed(t, `sparse level ${level} segment ${prev} is out of range`);
    for (let i = a!; i < b!; i++) {
      idx[level] = ind[i]!;
      visit(level + 1, i);
    }
  };
  visit(0, 0);
  if (src !== values.length) malformed(t, `sparse index data uses ${src} of the ${values.length} stored values`);
  return new Tensor(type, out, shape);
}
