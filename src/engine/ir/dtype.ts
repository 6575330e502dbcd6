/**
 * The data type table. Every format reader maps its type codes onto these names; every kernel says which
 * of them it takes. Sizes are data, not code: block-quantized GGUF types carry their block size and
 * bytes per block, sub-byte types their bit width.
 */

export type ElementKind = 'float' | 'int' | 'uint' | 'bool' | 'string' | 'complex' | 'block';

export interface DTypeInfo {
  readonly name: DType;
  readonly kind: ElementKind;
  /** Bits per element for plain types (4 for int4, 2 for int2); for block types, bits per block. */
  readonly bits: number;
  /** Elements per block: 1 for plain types, 32 or 256 for GGUF block-quantized types. */
  readonly blockSize: number;
  /** Bytes per block (block types) or per element rounded up to a whole byte (plain types, ≥1). */
  readonly bytesPerBlock: number;
  /** ONNX TensorProto.DataType code, when ONNX has the type. */
  readonly onnx?: number;
  /** GGML type id, when GGUF has the type. */
  readonly ggml?: number;
}

const plain = (name: DType, kind: ElementKind, bits: number, onnx?: number, ggml?: number): DTypeInfo => ({
  name, kind, bits, blockSize: 1, bytesPerBlock: Math.max(1, bits / 8), onnx, ggml,
});
const block = (name: DType, blockSize: number, bytesPerBlock: number, ggml: number): DTypeInfo => ({
  name, kind: 'block', bits: bytesPerBlock * 8, blockSize, bytesPerBlock, ggml,
});

export type PlainDType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'float8e4m3fn' | 'float8e4m3fnuz' | 'float8e5m2' | 'float8e5m2fnuz' | 'float8e8m0' | 'float4e2m1'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'int4' | 'uint4' | 'int2' | 'uint2'
  | 'bool' | 'string' | 'complex64' | 'complex128';

/** GGUF/ggml block-quantized types. A tensor of these has its innermost dimension a multiple of blockSize. */
export type BlockDType =
  | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1' | 'q8_0' | 'q8_1'
  | 'q2_k' | 'q3_k' | 'q4_k' | 'q5_k' | 'q6_k' | 'q8_k'
  | 'iq2_xxs' | 'iq2_xs' | 'iq3_xxs' | 'iq1_s' | 'iq4_nl' | 'iq3_s' | 'iq2_s' | 'iq4_xs' | 'iq1_m'
  | 'tq1_0' | 'tq2_0' | 'mxfp4';

export type DType = PlainDType | BlockDType;

export const DTYPES: { readonly [K in DType]: DTypeInfo } = {
  float32: plain('float32', 'float', 32, 1, 0),
  uint8: plain('uint8', 'uint', 8, 2),
  int8: plain('int8', 'int', 8, 3, 24),
  uint16: plain('uint16', 'uint', 16, 4),
  int16: plain('int16', 'int', 16, 5, 25),
  int32: plain('int32', 'int', 32, 6, 26),
  int64: plain('int64', 'int', 64, 7, 27),
  string: plain('string', 'string', 0, 8),
  bool: plain('bool', 'bool', 8, 9),
  float16: plain('float16', 'float', 16, 10, 1),
  float64: plain('float64', 'float', 64, 11, 28),
  uint32: plain('uint32', 'uint', 32, 12),
  uint64: plain('uint64', 'uint', 64, 13),
  complex64: plain('complex64', 'complex', 64, 14),
  complex128: plain('complex128', 'complex', 128, 15),
  bfloat16: plain('bfloat16', 'float', 16, 16, 30),
  float8e4m3fn: plain('float8e4m3fn', 'float', 8, 17),
  float8e4m3fnuz: plain('float8e4m3fnuz', 'float', 8, 18),
  float8e5m2: plain('float8e5m2', 'float', 8, 19),
  float8e5m2fnuz: plain('float8e5m2fnuz', 'float', 8, 20),
  uint4: plain('uint4', 'uint', 4, 21),
  int4: plain('int4', 'int', 4, 22),
  float4e2m1: plain('float4e2m1', 'float', 4, 23),
  float8e8m0: plain('float8e8m0', 'float', 8, 24),
  uint2: plain('uint2', 'uint', 2, 25),
  int2: plain('int2', 'int', 2, 26),
  q4_0: block('q4_0', 32, 18, 2),
  q4_1: block('q4_1', 32, 20, 3),
  q5_0: block('q5_0', 32, 22, 6),
  q5_1: block('q5_1', 32, 24, 7),
  q8_0: block('q8_0', 32, 34, 8),
  q8_1: block('q8_1', 32, 36, 9),
  q2_k: block('q2_k', 256, 84, 10),
  q3_k: block('q3_k', 256, 110, 11),
  q4_k: block('q4_k', 256, 144, 12),
  q5_k: block('q5_k', 256, 176, 13),
  q6_k: block('q6_k', 256, 210, 14),
  q8_k: block('q8_k', 256, 292, 15),
  iq2_xxs: block('iq2_xxs', 256, 66, 16),
  iq2_xs: block('iq2_xs', 256, 74, 17),
  iq3_xxs: block('iq3_xxs', 256, 98, 18),
  iq1_s: block('iq1_s', 256, 50, 19),
  iq4_nl: block('iq4_nl', 32, 18, 20),
  iq3_s: block('iq3_s', 256, 110, 21),
  iq2_s: block('iq2_s', 256, 82, 22),
  iq4_xs: block('iq4_xs', 256, 136, 23),
  iq1_m: block('iq1_m', 256, 56, 29),
  tq1_0: block('tq1_0', 256, 54, 34),
  tq2_0: block('tq2_0', 256, 66, 35),
  mxfp4: block('mxfp4', 32, 17, 39),
};

const byOnnx = new Map<number, DType>();
const byGgml = new Map<number, DType>();
for (const info of Object.values(DTYPES)) {
  if (info.onnx !== undefined) byOnnx.set(info.onnx, info.name);
  if (info.ggml !== undefined) byGgml.set(info.ggml, info.name);
}

export const dtypeFromOnnx = (code: number): DType | undefined => byOnnx.get(code);
export const dtypeFromGgml = (code: number): DType | undefined => byGgml.get(code);
export const isDType = (s: string): s is DType => Object.prototype.hasOwnProperty.call(DTYPES, s);

export const isFloat = (t: DType): boolean => DTYPES[t].kind === 'float';
export const isInteger = (t: DType): boolean => DTYPES[t].kind === 'int' || DTYPES[t].kind === 'uint';
export const isSigned = (t: DType): boolean => DTYPES[t].kind === 'int' || DTYPES[t].kind === 'float';
/** 64-bit integer types, whose values do not all fit a JS number. */
export const isWideInt = (t: DType): boolean => t === 'int64' || t === 'uint64';
/** Types packed several to a byte (int4, uint4, float4e2m1, int2, uint2). */
export const isSubByte = (t: DType): boolean => DTYPES[t].blockSize === 1 && DTYPES[t].bits > 0 && DTYPES[t].bits < 8;

/** Bytes a tensor of `count` elements occupies in its packed on-disk layout. */
export function byteLength(t: DType, count: number): number {
  const info = DTYPES[t];
  if (info.kind === 'block') return Math.ceil(count / info.blockSize) * info.bytesPerBlock;
  if (info.kind === 'string') return 0;
  return Math.ceil((count * info.bits) / 8);
}

/**
 * Affine quantization of a tensor (TFLite, and ONNX QDQ once folded): real = scale * (q - zeroPoint).
 * One scale/zero point per tensor, or one per slice along `axis` (per-channel).
 */
export interface QuantParams {
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  /** Present for per-channel quantization: the dimension the scales run along. */
  readonly axis?: number;
}
