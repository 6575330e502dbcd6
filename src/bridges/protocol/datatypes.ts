/**
 * Tensor data types of the Open Inference Protocol (KServe v2) and their two encodings:
 *
 *  - binary (the binary tensor data extension): little-endian, row-major, no padding; BOOL is one byte
 *    (0/1), BYTES is each element as a 4-byte little-endian length followed by its bytes;
 *  - JSON: a (possibly nested) array of numbers, booleans or strings in row-major order.
 *
 * Kiln's dtypes map one to one onto the v2 names below; every other Kiln dtype (int4, GGUF blocks, …)
 * cannot cross the wire and is refused with E_TYPE_UNSUPPORTED. Every decoder checks sizes before it
 * allocates: a request never makes us allocate more than its declared (and limited) shape needs.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16 } from '../../engine/ir/minifloat.js';
import { Tensor, arrayClassOf, sizeOf } from '../../engine/tensor.js';

export type V2Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64' | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'BF16' | 'FP32' | 'FP64' | 'BYTES';

const TO_V2: Readonly<Partial<Record<DType, V2Datatype>>> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  float16: 'FP16', bfloat16: 'BF16', float32: 'FP32', float64: 'FP64', string: 'BYTES',
};
const FROM_V2 = Object.fromEntries(Object.entries(TO_V2).map(([k, v]) => [v, k])) as Record<V2Datatype, DType>;

/** Bytes per element of each fixed-size datatype (BYTES is variable: 0 here). */
export const ELEMENT_BYTES: Readonly<Record<V2Datatype, number>> = {
  BOOL: 1, UINT8: 1, INT8: 1, UINT16: 2, INT16: 2, FP16: 2, BF16: 2, UINT32: 4, INT32: 4, FP32: 4,
  UINT64: 8, INT64: 8, FP64: 8, BYTES: 0,
};

export const isV2Datatype = (s: unknown): s is V2Datatype => typeof s === 'string' && s in ELEMENT_BYTES;

export function toV2Datatype(t: DType): V2Datatype {
  const d = TO_V2[t];
  if (!d) throw new KilnError('E_TYPE_UNSUPPORTED', `tensors of type '${t}' cannot be sent over the Open Inference Protocol`);
  return d;
}

export function fromV2Datatype(d: string): DType {
  if (!isV2Datatype(d)) throw new KilnError('E_TYPE_UNSUPPORTED', `unknown datatype '${d}'`);
  return FROM_V2[d];
}

// The wire is little-endian; typed arrays use the platform's order. Every browser and Node platform Kiln
// targets is little-endian: refuse to run silently wrong anywhere else.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
function checkEndian(): void {
  if (!LITTLE_ENDIAN) throw new KilnError('E_BACKEND_UNAVAILABLE', 'the binary tensor encoding needs a little-endian platform');
}

/** Checks a wire shape (non-negative safe integers) and returns its element count. */
export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape) || shape.length > 64) throw new KilnError('E_INPUT_INVALID', `${what}: 'shape' must be an array of at most 64 dims`);
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || (d as number) < 0) throw new KilnError('E_SHAPE_MISMATCH', `${what}: shape [${shape.join(',')}] has a dim that is not a non-negative integer`);
  }
  return shape as number[];
}

/** Binary size of a fixed-size tensor, or undefined for BYTES. */
export function binarySize(datatype: V2Datatype, shape: readonly number[]): number | undefined {
  const e = ELEMENT_BYTES[datatype];
  return e === 0 ? undefined : e * sizeOf(shape);
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** The binary encoding of a CPU tensor. Numeric tensors are a view of their own data (no copy). */
export function tensorToBinary(t: Tensor): Uint8Array {
  toV2Datatype(t.type);
  if (t.type === 'string') {
    const parts = (t.data as string[]).map((s) => utf8.encode(s));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    const view = new DataView(out.buffer);
    let o = 0;
    for (const p of parts) {
      view.setUint32(o, p.byteLength, true);
      out.set(p, o + 4);
      o += 4 + p.byteLength;
    }
    return out;
  }
  checkEndian();
  const d = t.data as Exclude<typeof t.data, string[]>;
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** A tensor from its binary encoding; `bytes` must be exactly the tensor's data. */
export function binaryToTensor(datatype: V2Datatype, shape: readonly number[], bytes: Uint8Array, what: string): Tensor {
  const type = fromV2Datatype(datatype);
  const count = sizeOf(shape);
  if (datatype === 'BYTES') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Each element takes at least 4 bytes: a count the data cannot hold is refused before allocating.
    if (count * 4 > bytes.byteLength) throw new KilnError('E_SHAPE_MISMATCH', `${what}: ${bytes.byteLength} bytes cannot hold ${count} BYTES elements`);
    const out = new Array<string>(count);
    let o = 0;
    for (let i = 0; i < count; i++) {
      if (o + 4 > bytes.byteLength) throw new KilnError('E_INPUT_INVALID', `${what}: BYTES element ${i} runs past the end of the data`);
      const n = view.getUint32(o, true);
      if (o + 4 + n > bytes.byteLength) throw new KilnError('E_INPUT_INVALID', `${what}: BYTES element ${i} (${n} bytes) runs past the end of the data`);
      out[i] = utf8Decoder.decode(bytes.subarray(o + 4, o + 4 + n));
      o += 4 + n;
    }
    if (o !== bytes.byteLength) throw new KilnError('E_INPUT_INVALID', `${what}: ${bytes.byteLength - o} bytes left over after ${count} BYTES elements`);
    return new Tensor('string', out, shape);
  }
  checkEndian();
  const want = ELEMENT_BYTES[datatype] * count;
  if (bytes.byteLength !== want) {
    throw new KilnError('E_SHAPE_MISMATCH', `${what}: ${datatype}[${shape.join(',')}] needs ${want} bytes, got ${bytes.byteLength}`);
  }
  const C = arrayClassOf(type)!;
  // A copy into a fresh buffer: aligned, and no longer pinning the body. (Not bytes.slice(): on a Node
  // Buffer that is a view, not a copy.)
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const data = new C(copy.buffer);
  if (datatype === 'BOOL') for (let i = 0; i < data.length; i++) if (data[i]) (data as Uint8Array)[i] = 1;
  return new Tensor(type, data, shape);
}

/**
 * The JSON form of a CPU tensor: a flat row-major array. JSON has no NaN or Infinity: such a tensor is
 * refused (the binary form carries it), and INT64/UINT64 beyond 2^53 lose precision.
 */
export function tensorToJson(t: Tensor, what = 'tensor'): (number | boolean | string)[] {
  toV2Datatype(t.type);
  const d = t.data;
  if (t.type === 'string') return [...(d as string[])];
  if (t.type === 'bool') return Array.from(d as Uint8Array, (x) => x !== 0);
  if (t.type === 'int64' || t.type === 'uint64') return Array.from(d as BigInt64Array, (x) => Number(x));
  const out = t.type === 'float16' ? Array.from(d as Uint16Array, float16ToNumber)
    : t.type === 'bfloat16' ? Array.from(d as Uint16Array, bfloat16ToNumber)
    : Array.from(d as ArrayLike<number>);
  const bad = out.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new KilnError('E_TYPE_UNSUPPORTED', `${what}: element ${bad} is ${out[bad]}, which JSON cannot carry; use the binary tensor data extension`);
  return out;
}

const INT_RANGE: Partial<Record<V2Datatype, [number, number]>> = {
  UINT8: [0, 255], UINT16: [0, 65535], UINT32: [0, 4294967295], UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-128, 127], INT16: [-32768, 32767], INT32: [-2147483648, 2147483647],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Flattens nested JSON arrays (row-major), refusing more than `limit` elements or deep nesting. */
export function flattenJson(data: unknown, limit: number, what: string): unknown[] {
  const out: unknown[] = [];
  const walk = (x: unknown, depth: number) => {
    if (!Array.isArray(x)) {
      if (out.length >= limit) throw new KilnError('E_SHAPE_MISMATCH', `${what}: more data elements than the shape holds (${limit})`);
      out.push(x);
      return;
    }
    if (depth > 64) throw new KilnError('E_INPUT_INVALID', `${what}: 'data' is nested too deeply`);
    for (const y of x) walk(y, depth + 1);
  };
  walk(data, 0);
  return out;
}

/** A tensor from JSON data (nested or flat), every element checked against the datatype. */
export function jsonToTensor(datatype: V2Datatype, shape: readonly number[], data: unknown, what: string): Tensor {
  const type = fromV2Datatype(datatype);
  const count = sizeOf(shape);
  const flat = flattenJson(data, count, what);
  if (flat.length !== count) throw new KilnError('E_SHAPE_MISMATCH', `${what}: shape [${shape.join(',')}] needs ${count} elements, 'data' has ${flat.length}`);
  const bad = (i: number, want: string) => new KilnError('E_INPUT_INVALID', `${what}: data[${i}] is ${JSON.stringify(flat[i])?.slice(0, 40)}, not ${want} (datatype ${datatype})`);
  if (datatype === 'BYTES') {
    flat.forEach((x, i) => { if (typeof x !== 'string') throw bad(i, 'a string'); });
    return new Tensor('string', flat as string[], shape);
  }
  const C = arrayClassOf(type)!;
  const out = new C(count);
  if (datatype === 'BOOL') {
    flat.forEach((x, i) => {
      if (typeof x === 'boolean') out[i] = x ? 1 : 0;
      else if (x === 0 || x === 1) out[i] = x;
      else throw bad(i, 'a boolean');
    });
    return new Tensor(type, out, shape);
  }
  const range = INT_RANGE[datatype];
  for (let i = 0; i < count; i++) {
    const x = flat[i];
    if (typeof x !== 'number') throw bad(i, 'a number');
    if (range) {
      if (!Number.isInteger(x) || x < range[0] || x > range[1]) throw bad(i, `an integer in [${range[0]}, ${range[1]}]`);
      if (datatype === 'INT64' || datatype === 'UINT64') (out as BigInt64Array)[i] = BigInt(x);
      else (out as Int32Array)[i] = x;
    } else if (datatype === 'FP16') (out as Uint16Array)[i] = numberToFloat16(x);
    else if (datatype === 'BF16') (out as Uint16Array)[i] = numberToBfloat16(x);
    else (out as Float32Array)[i] = x;
  }
  return new Tensor(type, out, shape);
}
