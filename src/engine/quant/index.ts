/**
 * Dequantization of block-quantized (GGUF/ggml) and narrow float data to float32, one function per dtype.
 * It belongs to the dtype table: the GGUF reader, the reference LLM kernels and tests all use it.
 * Results match ggml's own `to_float` bit for bit (checked against ggml's output in the tests).
 */
import { KilnError } from '../errors.js';
import { DTYPES, type DType } from '../ir/dtype.js';
import { dequantBF16, dequantF16, dequantF32 } from './float.js';
import { dequantIQ4_NL, dequantIQ4_XS } from './iquants.js';
import { dequantQ2_K, dequantQ3_K, dequantQ4_K, dequantQ5_K, dequantQ6_K, dequantQ8_K } from './kquants.js';
import { dequantQ4_0, dequantQ4_1, dequantQ5_0, dequantQ5_1, dequantQ8_0 } from './legacy.js';

/** Decodes `blocks` blocks (elements, for plain types) of `src` into `out`. */
export type Dequantizer = (src: Uint8Array, blocks: number, out: Float32Array) => void;

const DEQUANTIZERS: Partial<Record<DType, Dequantizer>> = {
  float32: dequantF32,
  float16: dequantF16,
  bfloat16: dequantBF16,
  q4_0: dequantQ4_0,
  q4_1: dequantQ4_1,
  q5_0: dequantQ5_0,
  q5_1: dequantQ5_1,
  q8_0: dequantQ8_0,
  q2_k: dequantQ2_K,
  q3_k: dequantQ3_K,
  q4_k: dequantQ4_K,
  q5_k: dequantQ5_K,
  q6_k: dequantQ6_K,
  q8_k: dequantQ8_K,
  iq4_nl: dequantIQ4_NL,
  iq4_xs: dequantIQ4_XS,
};

/** The types `dequantize` handles. */
export const DEQUANT_TYPES: readonly DType[] = Object.keys(DEQUANTIZERS) as DType[];

export const canDequantize = (type: DType): boolean => DEQUANTIZERS[type] !== undefined;

/** The raw per-type function, for callers that decode many small runs (rows) and check sizes themselves. */
export const dequantizerFor = (type: DType): Dequantizer | undefined => DEQUANTIZERS[type];

/**
 * `count` values of `type` stored in `src` → float32. `what` names the tensor in errors. Throws
 * E_TYPE_UNSUPPORTED naming any type without a dequantizer.
 */
export function dequantize(type: DType, src: Uint8Array, count: number, out?: Float32Array, what = 'tensor'): Float32Array {
  const fn = DEQUANTIZERS[type];
  if (!fn) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `cannot dequantize ${what}: type '${type}' has no dequantizer (supported: ${DEQUANT_TYPES.join(', ')})`, { tensor: what, type });
  }
  const info = DTYPES[type];
  if (!Number.isInteger(count) || count < 0 || count % info.blockSize !== 0) {
    throw new KilnError('E_SHAPE_MISMATCH', `cannot dequantize ${what}: ${count} values is not a whole number of ${type} blocks (${info.blockSize} each)`, { tensor: what });
  }
  const units = count / info.blockSize;
  const need = units * info.bytesPerBlock;
  if (src.byteLength < need) {
    throw new KilnError('E_SHAPE_MISMATCH', `cannot dequantize ${what}: ${count} ${type} values need ${need} bytes, got ${src.byteLength}`, { tensor: what });
  }
  const y = out ?? new Float32Array(count);
  if (y.length < count) throw new KilnError('E_SHAPE_MISMATCH', `cannot dequantize ${what}: output holds ${y.length} values, need ${count}`, { tensor: what });
  fn(src, units, y);
  return y;
}
