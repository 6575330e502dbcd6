/**
 * Element-level access to tensor data, independent of how each dtype is stored. Kernels that move
 * elements (transpose, gather, concat) use `elementsOf` / `tensorFromElements`, which give one array slot
 * per element for every type (sub-byte types unpacked). Kernels that compute use `toNumbers` /
 * `fromNumbers` (decode to float64, encode with the target type's rounding) or the bigint pair for exact
 * 64-bit integer arithmetic.
 */
import { KilnError } from './errors.js';
import { DTYPES, type DType } from './ir/dtype.js';
import {
  bfloat16ToNumber, e8m0ToNumber, float16ToNumber, miniFloatToNumber, numberToBfloat16, numberToE8m0,
  numberToFloat16, numberToMiniFloat, type MiniFloatName,
} from './ir/minifloat.js';
import { Tensor, allocData, sizeOf, type TensorData } from './tensor.js';

const SUB_BYTE_SIGNED: Partial<Record<DType, number>> = { int4: 4, int2: 2 };

/** Bits per element of a packed sub-byte type, or 0. */
function subBits(type: DType): number {
  const info = DTYPES[type];
  return info.kind !== 'block' && info.bits > 0 && info.bits < 8 ? info.bits : 0;
}

export type ElementArray = Exclude<TensorData, never>;

/** One slot per element. Sub-byte types come back unpacked (Int8Array for signed, Uint8Array otherwise). */
export function elementsOf(t: Tensor): ElementArray {
  const bits = subBits(t.type);
  if (!bits) return t.data;
  const signed = SUB_BYTE_SIGNED[t.type] !== undefined;
  const out = signed ? new Int8Array(t.size) : new Uint8Array(t.size);
  const src = t.data as Uint8Array;
  const per = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let i = 0; i < t.size; i++) {
    let v = (src[Math.floor(i / per)]! >> ((i % per) * bits)) & mask;
    if (signed && v >> (bits - 1)) v -= 1 << bits;
    out[i] = v;
  }
  return out;
}

/** An empty element array for `count` elements of `type` (unpacked for sub-byte types). */
export function allocElements(type: DType, count: number): ElementArray {
  const bits = subBits(type);
  if (!bits) return allocData(type, count);
  return SUB_BYTE_SIGNED[type] !== undefined ? new Int8Array(count) : new Uint8Array(count);
}

/** The inverse of `elementsOf`: packs sub-byte types back. */
export function tensorFromElements(type: DType, elems: ElementArray, dims: readonly number[]): Tensor {
  const bits = subBits(type);
  if (!bits) return new Tensor(type, elems, dims);
  const n = sizeOf(dims);
  const per = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(n / per));
  const src = elems as Int8Array | Uint8Array;
  for (let i = 0; i < n; i++) out[Math.floor(i / per)]! |= (src[i]! & mask) << ((i % per) * bits);
  return new Tensor(type, out, dims);
}

const decoders: Partial<Record<DType, (code: number) => number>> = {
  float16: float16ToNumber,
  bfloat16: bfloat16ToNumber,
  float8e8m0: e8m0ToNumber,
};
for (const n of ['float8e4m3fn', 'float8e4m3fnuz', 'float8e5m2', 'float8e5m2fnuz', 'float4e2m1'] as MiniFloatName[]) {
  decoders[n] = (c) => miniFloatToNumber(n, c);
}

/** Every element as a JS number (int64 beyond 2^53 loses precision: use `toBigInts` where that matters). */
export function toNumbers(t: Tensor): Float64Array {
  if (t.type === 'string') throw new KilnError('E_TYPE_UNSUPPORTED', `cannot read a string tensor as numbers`);
  if (DTYPES[t.type].kind === 'block') throw new KilnError('E_TYPE_UNSUPPORTED', `block-quantized '${t.type}' tensors must be dequantized first`);
  if (t.type === 'complex64' || t.type === 'complex128') throw new KilnError('E_TYPE_UNSUPPORTED', `complex tensors are not supported here`);
  const src = elementsOf(t);
  const out = new Float64Array(t.size);
  const dec = decoders[t.type];
  if (dec) {
    for (let i = 0; i < out.length; i++) out[i] = dec((src as Uint8Array | Uint16Array)[i]!);
  } else if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
    for (let i = 0; i < out.length; i++) out[i] = Number(src[i]!);
  } else {
    out.set(src as ArrayLike<number>);
  }
  return out;
}

export interface EncodeOptions {
  /** float8: clamp out-of-range values to the largest finite value (ONNX Cast's default). */
  saturate?: boolean;
  /** float8e8m0 rounding. */
  round?: 'up' | 'down' | 'nearest';
}

/**
 * Encodes numbers into a tensor of `type`. Floats round to nearest even; integers truncate toward zero
 * and wrap modulo 2^bits (two's complement), as C casts do; NaN becomes 0 for integers; bool is x != 0.
 */
export function fromNumbers(type: DType, values: ArrayLike<number>, dims: readonly number[], opts: EncodeOptions = {}): Tensor {
  const n = sizeOf(dims);
  if (values.length !== n) throw new KilnError('E_INTERNAL', `fromNumbers: ${values.length} values for dims [${dims.join(',')}]`);
  const info = DTYPES[type];
  if (type === 'string' || info.kind === 'block' || info.kind === 'complex') {
    throw new KilnError('E_TYPE_UNSUPPORTED', `cannot encode numbers as '${type}'`);
  }
  const out = allocElements(type, n);
  if (type === 'bool') {
    for (let i = 0; i < n; i++) (out as Uint8Array)[i] = values[i] !== 0 ? 1 : 0; // NaN → true, as x != 0
  } else if (type === 'float32' || type === 'float64') {
    (out as Float32Array).set(values);
  } else if (type === 'float16') {
    for (let i = 0; i < n; i++) (out as Uint16Array)[i] = numberToFloat16(values[i]!);
  } else if (type === 'bfloat16') {
    for (let i = 0; i < n; i++) (out as Uint16Array)[i] = numberToBfloat16(values[i]!);
  } else if (type === 'float8e8m0') {
    for (let i = 0; i < n; i++) (out as Uint8Array)[i] = numberToE8m0(values[i]!, opts.saturate ?? true, opts.round ?? 'up');
  } else if (info.kind === 'float') {
    const name = type as MiniFloatName;
    const enc = subBits(type) ? (x: number) => numberToMiniFloat(name, x, opts.saturate ?? true) & 0xf : (x: number) => numberToMiniFloat(name, x, opts.saturate ?? true);
    for (let i = 0; i < n; i++) (out as Uint8Array)[i] = enc(values[i]!);
  } else if (type === 'int64' || type === 'uint64') {
    const o = out as BigInt64Array | BigUint64Array;
    const wrap = type === 'int64' ? (b: bigint) => BigInt.asIntN(64, b) : (b: bigint) => BigInt.asUintN(64, b);
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      o[i] = Number.isFinite(v) ? wrap(BigInt(Math.trunc(v))) : 0n;
    }
  } else {
    // int8…uint32 and sub-byte ints: typed-array assignment wraps modulo 2^bits after ToInt32/ToUint32
    // for in-range doubles; for huge doubles we wrap explicitly.
    const bits = info.bits;
    const signed = info.kind === 'int';
    const mod = 2 ** bits;
    const o = out as Int32Array;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) { o[i] = 0; continue; }
      let w = Math.trunc(v) % mod;
      if (w < 0) w += mod;
      if (signed && w >= mod / 2) w -= mod;
      o[i] = w;
    }
  }
  return tensorFromElements(type, out, dims);
}

/** Integer tensor → bigints, exact for int64/uint64. */
export function toBigInts(t: Tensor): bigint[] {
  const src = elementsOf(t);
  const out = new Array<bigint>(t.size);
  if (src instanceof BigInt64Array || src instanceof BigUint64Array) {
    for (let i = 0; i < t.size; i++) out[i] = src[i]!;
  } else {
    const nums = toNumbers(t);
    for (let i = 0; i < t.size; i++) out[i] = BigInt(Math.trunc(nums[i]!));
  }
  return out;
}

/** bigints → an integer tensor, wrapping modulo 2^bits. */
export function fromBigInts(type: DType, values: readonly bigint[], dims: readonly number[]): Tensor {
  if (type === 'int64') return new Tensor(type, BigInt64Array.from(values, (v) => BigInt.asIntN(64, v)), dims);
  if (type === 'uint64') return new Tensor(type, BigUint64Array.from(values, (v) => BigInt.asUintN(64, v)), dims);
  const bits = DTYPES[type].bits;
  const signed = DTYPES[type].kind === 'int';
  return fromNumbers(type, values.map((v) => Number(signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v))), dims);
}

/** Reads a small integer tensor (shape inputs, axes, pads…) as JS numbers. */
export function toIntList(t: Tensor): number[] {
  return Array.from(toNumbers(t));
}

/** Convenience: a scalar or 1-D int64 tensor from numbers. */
export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): Tensor {
  return new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
}
