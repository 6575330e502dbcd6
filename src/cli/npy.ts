/**
 * NumPy .npy files (format versions 1–3): a magic string, a Python-literal header dict with `descr`,
 * `fortran_order` and `shape`, then the raw array. bfloat16 and the float8 types have no NumPy dtype;
 * they are written as their raw bits ('<u2' / '|u1') and the CLI's JSON names the real type.
 */
import { KilnError } from '../engine/errors.js';
import type { DType } from '../engine/ir/dtype.js';
import { Tensor, arrayClassOf, sizeOf, type TensorData } from '../engine/tensor.js';

const DESCR_TO_DTYPE: Record<string, DType> = {
  f4: 'float32', f8: 'float64', f2: 'float16', i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16',
  i4: 'int32', u4: 'uint32', i8: 'int64', u8: 'uint64', b1: 'bool',
};
const DTYPE_TO_DESCR: Partial<Record<DType, string>> = {
  float32: '<f4', float64: '<f8', float16: '<f2', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2',
  int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8', bool: '|b1', bfloat16: '<u2',
  float8e4m3fn: '|u1', float8e4m3fnuz: '|u1', float8e5m2: '|u1', float8e5m2fnuz: '|u1', float8e8m0: '|u1',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

export function readNpy(bytes: Uint8Array, name = '.npy'): Tensor {
  const bad = (msg: string): never => {
    throw new KilnError('E_INPUT_INVALID', `${name}: ${msg}`);
  };
  if (!isNpy(bytes)) bad('not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let at: number;
  if (major === 1) { headerLen = view.getUint16(8, true); at = 10; }
  else if (major === 2 || major === 3) { headerLen = view.getUint32(8, true); at = 12; }
  else return bad(`unsupported .npy version ${major}`);
  if (at + headerLen > bytes.byteLength) bad('header runs past the end of the file');
  const header = new TextDecoder().decode(bytes.subarray(at, at + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] === 'True';
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) return bad(`cannot read the header ${JSON.stringify(header.trim())}`);
  const dims = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) bad(`bad shape (${shapeText})`);
  if (descr.startsWith('>') && !descr.endsWith('1')) bad(`big-endian data (${descr}) is not supported`);
  const dtype = DESCR_TO_DTYPE[descr.replace(/^[<>|=]/, '')];
  if (!dtype) return bad(`unsupported dtype '${descr}'`);
  const C = arrayClassOf(dtype)!;
  const count = sizeOf(dims);
  const dataAt = at + headerLen;
  const need = count * C.BYTES_PER_ELEMENT;
  if (bytes.byteLength - dataAt < need) bad(`holds ${bytes.byteLength - dataAt} data bytes, shape (${dims.join(', ')}) needs ${need}`);
  const copy = bytes.slice(dataAt, dataAt + need); // aligned copy
  let data = new C(copy.buffer, 0, count) as TensorData;
  if (fortran && dims.length > 1) data = fromFortran(data, dims);
  return new Tensor(dtype, data, dims);
}

/** Column-major → row-major. */
function fromFortran(data: TensorData, dims: readonly number[]): TensorData {
  const n = sizeOf(dims);
  const out = new (data.constructor as new (n: number) => TensorData)(n);
  const rank = dims.length;
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    // i is the row-major index; compute the column-major offset of the same coordinates
    let f = 0;
    let stride = 1;
    for (let a = 0; a < rank; a++) { f += idx[a]! * stride; stride *= dims[a]!; }
    (out as Float32Array)[i] = (data as Float32Array)[f]!;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}

export function writeNpy(t: Tensor): Uint8Array {
  const descr = DTYPE_TO_DESCR[t.type];
  if (!descr) throw new KilnError('E_TYPE_UNSUPPORTED', `cannot write a '${t.type}' tensor as .npy`);
  const shape = t.dims.length === 1 ? `(${t.dims[0]},)` : `(${t.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const h = new TextEncoder().encode(header);
  const data = t.data as Uint8Array;
  const body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(10 + h.length + body.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(h, 10);
  out.set(body, 10 + h.length);
  return out;
}
