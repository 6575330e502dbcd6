/** Small helpers shared by the TFLite reference kernels. */
import { toNumbers } from '../../engine/elements.js';
import type { DType } from '../../engine/ir/dtype.js';
import { Tensor } from '../../engine/tensor.js';

/** std::round: halves away from zero. */
export const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** The integer range of a quantized storage type. */
export function intRange(t: DType): [number, number] {
  switch (t) {
    case 'int8': return [-128, 127];
    case 'uint8': return [0, 255];
    case 'int16': return [-32768, 32767];
    case 'uint16': return [0, 65535];
    case 'int4': return [-8, 7];
    case 'int32': return [-2147483648, 2147483647];
    default: return [-Infinity, Infinity];
  }
}

/** real = scale * (q - zp), per element, in float32 like TFLite's dequantize. */
export function dequantize(t: Tensor, scale: number, zp: number): Float64Array {
  const q = toNumbers(t);
  const out = new Float64Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = Math.fround(scale * (q[i]! - zp));
  return out;
}

/** q = clamp(round(real / scale) + zp), the division in float32 like TFLite's quantize. */
export function quantize(values: ArrayLike<number>, type: DType, scale: number, zp: number, dims: readonly number[]): Tensor {
  const [lo, hi] = intRange(type);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = roundHalfAway(Math.fround(values[i]! / scale)) + zp;
    out[i] = v < lo ? lo : v > hi ? hi : Number.isNaN(v) ? zp : v;
  }
  return integerTensor(type, out, dims);
}

/** Integer values (already in range) → a tensor of `type`. */
export function integerTensor(type: DType, values: ArrayLike<number>, dims: readonly number[]): Tensor {
  switch (type) {
    case 'int8': return new Tensor('int8', Int8Array.from(values), dims);
    case 'uint8': return new Tensor('uint8', Uint8Array.from(values), dims);
    case 'int16': return new Tensor('int16', Int16Array.from(values), dims);
    case 'int32': return new Tensor('int32', Int32Array.from(values), dims);
    default: return new Tensor(type, Array.from(values), dims);
  }
}
