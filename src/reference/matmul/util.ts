/** Small helpers shared by the matmul and conv reference kernels. */
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Src } from './gemm.js';

/** The elements as float32/float64 without a copy when they already are, else decoded to float64. */
export function numericView(t: Tensor): Src {
  if (t.type === 'float32' || t.type === 'float64') return t.data as Src;
  return toNumbers(t);
}

/** Rounds a double the way arithmetic in `type` would (scales computed in their own precision). */
export function roundTo(type: DType, v: number): number {
  if (type === 'float64') return v;
  if (type === 'float32') return Math.fround(v);
  return toNumbers(fromNumbers(type, [v], [1]))[0]!;
}

/** Round half to even (numpy rint). */
export function rint(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Saturates to the range of an 8-bit (or wider) integer type. */
export function saturate(type: DType, v: number): number {
  switch (type) {
    case 'uint8': return v < 0 ? 0 : v > 255 ? 255 : v;
    case 'int8': return v < -128 ? -128 : v > 127 ? 127 : v;
    case 'uint16': return v < 0 ? 0 : v > 65535 ? 65535 : v;
    case 'int16': return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
    case 'int32': return v < -2147483648 ? -2147483648 : v > 2147483647 ? 2147483647 : v;
    default: throw new KilnError('E_TYPE_UNSUPPORTED', `cannot saturate to ${type}`);
  }
}

/** A scalar / one-element tensor, or a per-channel vector of `n` values, as `n` numbers. */
export function perChannel(t: Tensor | undefined, n: number, what: string, def = 0): Float64Array {
  const out = new Float64Array(n);
  if (!t) return out.fill(def);
  const v = toNumbers(t);
  if (v.length === 1) return out.fill(v[0]!);
  if (v.length !== n) throw new KilnError('E_SHAPE_MISMATCH', `${what} has ${v.length} values, expected 1 or ${n}`);
  out.set(v);
  return out;
}

/** Product of dims. */
export const prod = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);
