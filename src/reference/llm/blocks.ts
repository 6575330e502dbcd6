/**
 * Row decoders for the weight types the reference LLM kernels keep in memory: each decodes `count`
 * values starting at byte `at` of `src` into `out` from `o`. They are the engine's dequantizers
 * (src/engine/quant, bit-exact with ggml) applied to one row at a time, so weights stay in their GGUF
 * bytes and are never held as a float32 copy.
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, type DType } from '../../engine/ir/dtype.js';
import { f16Table } from '../../engine/quant/float.js';
import { dequantizerFor } from '../../engine/quant/index.js';

export type RowDecoder = (src: Uint8Array, at: number, count: number, out: Float32Array, o: number) => void;

/** float16 bits → value, as a lookup table. */
export const halfToFloat = (): Float32Array => f16Table();

/** The weight types these kernels decode (the engine may dequantize more; these are the ones tested here). */
export const REFERENCE_WEIGHT_TYPES: readonly DType[] = [
  'float32', 'float16', 'bfloat16', 'q4_0', 'q4_1', 'q5_0', 'q5_1', 'q8_0', 'q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k',
];

export function rowDecoder(type: DType, what: string): RowDecoder {
  const fn = REFERENCE_WEIGHT_TYPES.includes(type) ? dequantizerFor(type) : undefined;
  if (!fn) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `weight '${what}' has type ${type}, which the reference LLM kernels do not decode (they take ${REFERENCE_WEIGHT_TYPES.join(', ')})`, { tensor: what, type });
  }
  const { blockSize, bytesPerBlock } = DTYPES[type];
  return (src, at, count, out, o) => fn(src.subarray(at, at + (count / blockSize) * bytesPerBlock), count / blockSize, out.subarray(o, o + count));
}
