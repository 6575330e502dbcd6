/**
 * Shared pieces of the TFLite op schemas: the quantization attributes the loader puts on every node,
 * TFLite's quantized-multiplier arithmetic (how a real scale becomes an int32 multiplier and a shift),
 * activation clamping ranges, and SAME/VALID padding. Everything here runs in `params`, once per node
 * run, so kernels receive plain integers.
 *
 * Where TFLite computes a scale ratio in float32 (not double), the code here does the same with
 * Math.fround: results must match TFLite bit for bit.
 */
import { KilnError } from '../../errors.js';
import type { DType } from '../../ir/dtype.js';
import { attr, defineOp, type AttrSpec, type AttrSpecs, type OpDefinition, type OpSchema, type AttrValues } from '../schema.js';

/** A TFLite builtin op: domain 'tflite', opset 1. */
export function tfl<S extends AttrSpecs, P>(def: OpDefinition<S, P>): OpSchema<AttrValues<S>, P> {
  return defineOp({ ...def, domain: 'tflite' });
}

/** Attribute specs for the quantization of the named tensors (`in0`, `out0`, …), as the loader writes them. */
export function quantAttrs(...names: string[]): Record<string, AttrSpec<unknown>> {
  const out: Record<string, AttrSpec<unknown>> = {};
  for (const n of names) {
    out[`${n}_scale`] = attr.floats();
    out[`${n}_zp`] = attr.ints();
    out[`${n}_axis`] = attr.int();
  }
  return out;
}

export interface QuantInfo { readonly scale: readonly number[]; readonly zp: readonly number[]; readonly axis?: number }

/** The named tensor's quantization from a node's attributes, or undefined when it has none. */
export function quantOf(attrs: unknown, name: string): QuantInfo | undefined {
  const a = attrs as Record<string, unknown>;
  const scale = a[`${name}_scale`] as readonly number[] | undefined;
  if (!scale || scale.length === 0) return undefined;
  const zp = (a[`${name}_zp`] as readonly number[] | undefined) ?? [];
  return { scale, zp: scale.map((_, i) => zp[i] ?? zp[0] ?? 0), axis: a[`${name}_axis`] as number | undefined };
}

/** Per-tensor scale and zero point (the first entry when a tensor carries more). */
export function scalarQuant(attrs: unknown, name: string): { scale: number; zp: number } | undefined {
  const q = quantOf(attrs, name);
  return q ? { scale: q.scale[0]!, zp: q.zp[0]! } : undefined;
}

export const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], int4: [-8, 7], uint32: [0, 4294967295],
};

export const isQuantizedType = (t: DType): boolean => t === 'int8' || t === 'uint8' || t === 'int16' || t === 'int4';

/** std::round: halves away from zero. */
export const roundAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));

/** C-style frexp for positive finite x: x = q * 2^e with q in [0.5, 1). */
function frexp(x: number): [number, number] {
  let e = Math.ceil(Math.log2(x)) | 0;
  let q = x / 2 ** e;
  while (q >= 1) { q /= 2; e++; }
  while (q < 0.5) { q *= 2; e--; }
  return [q, e];
}

/**
 * TFLite QuantizeMultiplier: a real multiplier as (int32 significand in Q0.31, power-of-two exponent),
 * so x * real ≈ x * m / 2^31 * 2^shift. Tiny multipliers (shift < -31) flush to zero, as in TFLite.
 */
export function quantizeMultiplier(real: number): [number, number] {
  if (real === 0 || !Number.isFinite(real)) return [0, 0];
  const neg = real < 0;
  const [q, e] = frexp(Math.abs(real));
  let shift = e;
  let fixed = roundAway(q * 2 ** 31);
  if (fixed === 2 ** 31) { fixed /= 2; shift++; }
  if (shift < -31) { shift = 0; fixed = 0; }
  return [neg ? -fixed : fixed, shift];
}

/** Fused activation codes (schema.fbs ActivationFunctionType). */
export const ACT = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 } as const;

/** Clamp range of a float op's fused activation (TANH/SIGN_BIT are not clamps: see `actTail`). */
export function floatActRange(act: number): [number, number] {
  switch (act) {
    case ACT.RELU: return [0, Infinity];
    case ACT.RELU_N1_TO_1: return [-1, 1];
    case ACT.RELU6: return [0, 6];
    default: return [-Infinity, Infinity];
  }
}

/** TFLite CalculateActivationRangeQuantized: the fused activation as an integer clamp on the output. */
export function quantActRange(act: number, dtype: DType, scale: number, zp: number): [number, number] {
  const [qmin, qmax] = INT_RANGE[dtype] ?? [-Infinity, Infinity];
  const q = (f: number) => zp + roundAway(Math.fround(f / scale));
  switch (act) {
    case ACT.RELU: return [Math.max(qmin, q(0)), qmax];
    case ACT.RELU6: return [Math.max(qmin, q(0)), Math.min(qmax, q(6))];
    case ACT.RELU_N1_TO_1: return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
    default: return [qmin, qmax];
  }
}

/** TFLite ComputeOutSize. */
export function outSize(padding: number, inSize: number, filter: number, stride: number, dilation = 1): number {
  const eff = (filter - 1) * dilation + 1;
  if (stride <= 0) return 0;
  return padding === 0 ? Math.floor((inSize + stride - 1) / stride) : Math.floor((inSize + stride - eff) / stride);
}

/** TFLite ComputePaddingWithOffset: the leading pad (the odd extra pixel goes to the trailing side). */
export function padBefore(stride: number, dilation: number, inSize: number, filter: number, out: number): number {
  const eff = (filter - 1) * dilation + 1;
  const total = Math.max(0, (out - 1) * stride + eff - inSize);
  return Math.floor(total / 2);
}

/** Attribute specs for the fused activation and the options every conv-like op has. */
export const convAttrs = {
  padding: attr.int(0), stride_w: attr.int(1), stride_h: attr.int(1),
  fused_activation_function: attr.int(0),
};

/** Largest output a data-dependent shape (FILL, RANGE, TILE, PAD…) may ask for: 2^28 elements. */
export const MAX_ELEMENTS = 2 ** 28;

/** Refuses outputs no browser tab could hold, before a kernel tries to allocate them. */
export function checkElements(dims: readonly number[]): readonly number[] {
  const n = dims.reduce((a, b) => a * b, 1);
  if (!(n <= MAX_ELEMENTS)) throw new KilnError('E_QUOTA', `an output of shape [${dims.join(',')}] (${n} elements) is more than Kiln allocates (${MAX_ELEMENTS})`);
  return dims;
}
