/**
 * TFLite elementwise unary ops, activations and (de)quantization.
 *
 * Exact integer paths: QUANTIZE (float → int: round(x / scale) in float32 then + zero point; int → int:
 * one multiplier s_in/s_out), DEQUANTIZE, LEAKY_RELU (two multipliers, computed in float32 as TFLite
 * does), RELU/RELU6/RELU_N1_TO_1/RELU_0_TO_1 (rescale then clamp). Other quantized activations
 * (LOGISTIC, TANH, HARD_SWISH, EXP, …) dequantize to float32, apply the function and requantize, which is
 * how TFLite fills its 8-bit lookup tables; its 16-bit fixed-point approximations may differ by an LSB.
 */
import type { DType } from '../../ir/dtype.js';
import { tensorType } from '../../ir/types.js';
import { attr, type OpContext } from '../schema.js';
import { INT_RANGE, isQuantizedType, quantAttrs, quantOf, quantizeMultiplier, roundAway, scalarQuant, tfl } from './common.js';

export type UnaryMode = 'float' | 'int' | 'bool' | 'lut' | 'relu' | 'leaky';

export interface UnaryParams {
  readonly op: string;
  readonly mode: UnaryMode;
  readonly outType: DType;
  readonly inScale: number; readonly inZp: number; readonly outScale: number; readonly outZp: number;
  readonly qmin: number; readonly qmax: number;
  /** relu: one multiplier; leaky: identity (m1) and alpha (m2) multipliers. */
  readonly m1: number; readonly s1: number; readonly m2: number; readonly s2: number;
  readonly alpha: number;
  readonly approximate: boolean;
}

const RELU_RANGE: Record<string, [number, number]> = {
  RELU: [0, Infinity], RELU6: [0, 6], RELU_N1_TO_1: [-1, 1], RELU_0_TO_1: [0, 1],
};

function unaryParams(op: string, ctx: OpContext<any>): UnaryParams {
  const t = ctx.tensor(0).dtype;
  const a = ctx.attrs;
  const base = {
    op, outType: op === 'LOGICAL_NOT' ? 'bool' as DType : t, inScale: 1, inZp: 0, outScale: 1, outZp: 0, qmin: -Infinity, qmax: Infinity,
    m1: 0, s1: 0, m2: 0, s2: 0, alpha: a.alpha ?? 0, approximate: !!a.approximate,
  };
  if (t === 'bool') return { ...base, mode: 'bool' };
  const qi = scalarQuant(a, 'in0');
  const qo = scalarQuant(a, 'out0');
  if (isQuantizedType(t) && qi && qo) {
    const [lo, hi] = INT_RANGE[t]!;
    const q = { ...base, inScale: qi.scale, inZp: qi.zp, outScale: qo.scale, outZp: qo.zp, qmin: lo, qmax: hi };
    const range = RELU_RANGE[op];
    if (range) {
      const [m1, s1] = quantizeMultiplier(Math.fround(qi.scale / qo.scale));
      const qmin = Math.max(lo, qo.zp + roundAway(Math.fround(range[0] / qo.scale)));
      const qmax = range[1] === Infinity ? hi : Math.min(hi, qo.zp + roundAway(Math.fround(range[1] / qo.scale)));
      return { ...q, mode: 'relu', m1, s1, qmin, qmax };
    }
    if (op === 'LEAKY_RELU') {
      const [m1, s1] = quantizeMultiplier(Math.fround(qi.scale / qo.scale));
      const [m2, s2] = quantizeMultiplier(Math.fround(Math.fround(qi.scale * a.alpha) / qo.scale));
      return { ...q, mode: 'leaky', m1, s1, m2, s2 };
    }
    return { ...q, mode: 'lut' };
  }
  if (t === 'float32' || t === 'float16' || t === 'bfloat16' || t === 'float64') return { ...base, mode: 'float' };
  return { ...base, mode: 'int', ...(INT_RANGE[t] ? { qmin: INT_RANGE[t]![0], qmax: INT_RANGE[t]![1] } : {}) };
}

function unary(op: string) {
  return tfl({
    attrs: { alpha: attr.float(0), approximate: attr.int(0), ...quantAttrs('in0', 'out0') },
    infer: (ctx) => [tensorType(op === 'LOGICAL_NOT' ? 'bool' : ctx.tensor(0).dtype, ctx.tensor(0).shape)],
    params: (ctx) => unaryParams(op, ctx),
  });
}

export const UNARY_OPS = [
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1', 'LEAKY_RELU', 'HARD_SWISH', 'LOGISTIC', 'TANH', 'ELU', 'GELU',
  'EXP', 'LOG', 'SQRT', 'RSQRT', 'SQUARE', 'ABS', 'NEG', 'SIN', 'COS', 'FLOOR', 'CEIL', 'ROUND', 'SIGN', 'LOGICAL_NOT',
  'ZEROS_LIKE', 'STABLEHLO_ABS', 'STABLEHLO_COSINE', 'STABLEHLO_EXPONENTIAL', 'STABLEHLO_FLOOR', 'STABLEHLO_LOG',
  'STABLEHLO_NEGATE', 'STABLEHLO_RSQRT', 'STABLEHLO_TANH', 'STABLEHLO_LOGISTIC', 'STABLEHLO_CBRT',
] as const;

export interface QuantizeParams {
  /** affine: float → int; requant: int → int; dequant: int/float16 → float32. */
  readonly mode: 'affine' | 'requant' | 'dequant';
  readonly outType: DType;
  /** Per element of the quantized axis (one entry for per-tensor), and the axis' stride/size. */
  readonly scale: readonly number[];
  readonly zp: readonly number[];
  readonly inner: number;
  readonly axisSize: number;
  readonly inZp: number;
  readonly mult: number;
  readonly shift: number;
}

function perAxis(ctx: OpContext<any>, name: string): { scale: readonly number[]; zp: readonly number[]; inner: number; axisSize: number } {
  const q = quantOf(ctx.attrs, name);
  if (!q) return ctx.fail(`${name === 'out0' ? 'output' : 'input'} has no quantization parameters`, 'E_TYPE_UNSUPPORTED');
  if (q.scale.length === 1 || q.axis === undefined) return { scale: q.scale.slice(0, 1), zp: q.zp.slice(0, 1), inner: 1, axisSize: 1 };
  const dims = ctx.shape(0).map((d) => (typeof d === 'number' ? d : 1));
  if (dims[q.axis] !== q.scale.length) ctx.fail(`per-channel quantization has ${q.scale.length} scales for dimension ${q.axis} of size ${dims[q.axis]}`, 'E_SHAPE_MISMATCH');
  return { scale: q.scale, zp: q.zp, inner: dims.slice(q.axis + 1).reduce((x, y) => x * y, 1), axisSize: q.scale.length };
}

/** QUANTIZE: the output type comes from the model (recorded on the node by the loader as `out_type`). */
const QUANTIZE = tfl({
  attrs: { out_dtype: attr.string('int8'), ...quantAttrs('in0', 'out0') },
  infer: (ctx) => [tensorType(ctx.attrs.out_dtype as DType, ctx.tensor(0).shape)],
  params: (ctx): QuantizeParams => {
    const t = ctx.tensor(0).dtype;
    const outType = ctx.attrs.out_dtype as DType;
    const out = perAxis(ctx, 'out0');
    if (t === 'float32' || t === 'float16') return { mode: 'affine', outType, ...out, inZp: 0, mult: 0, shift: 0 };
    const qi = scalarQuant(ctx.attrs, 'in0');
    if (!qi) return ctx.fail('integer input has no quantization parameters', 'E_TYPE_UNSUPPORTED');
    const [mult, shift] = quantizeMultiplier(qi.scale / out.scale[0]!);
    return { mode: 'requant', outType, ...out, inZp: qi.zp, mult, shift };
  },
});

const DEQUANTIZE = tfl({
  attrs: quantAttrs('in0'),
  infer: (ctx) => [tensorType('float32', ctx.tensor(0).shape)],
  params: (ctx): QuantizeParams => {
    const t = ctx.tensor(0).dtype;
    const none = { scale: [1], zp: [0], inner: 1, axisSize: 1 };
    const q = t === 'float16' || t === 'float32' || t === 'bfloat16' ? none : perAxis(ctx, 'in0');
    return { mode: 'dequant', outType: 'float32', ...q, inZp: 0, mult: 0, shift: 0 };
  },
});

export const tfliteUnaryOps = {
  ...Object.fromEntries(UNARY_OPS.map((op) => [`tflite.${op}`, unary(op)])) as Record<`tflite.${(typeof UNARY_OPS)[number]}`, ReturnType<typeof unary>>,
  'tflite.QUANTIZE': QUANTIZE,
  'tflite.DEQUANTIZE': DEQUANTIZE,
};
