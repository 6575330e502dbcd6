/**
 * TFLite reductions and normalizations: MEAN, SUM, REDUCE_PROD/MAX/MIN/ANY/ALL (axes from an input
 * tensor, keep_dims), SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION, LOCAL_RESPONSE_NORMALIZATION.
 * Quantized reductions other than MAX/MIN (raw values) dequantize, reduce in double and requantize.
 * Quantized SOFTMAX follows TFLite's 8-bit kernel (a float32 exp table over input differences, then
 * round(p / s_out) + zp_out); LOG_SOFTMAX, L2_NORMALIZATION and LRN dequantize.
 */
import type { DType } from '../../ir/dtype.js';
import { tensorType, type Dim } from '../../ir/types.js';
import { toIntList } from '../../elements.js';
import { attr, type OpContext } from '../schema.js';
import { concrete, normAxis, product } from '../shape-utils.js';
import { INT_RANGE, isQuantizedType, quantAttrs, scalarQuant, tfl } from './common.js';

export interface ReduceParams {
  readonly dims: readonly number[];
  readonly axes: readonly number[];
  readonly outDims: readonly number[];
  readonly outType: DType;
  /** Quantized input: dequantize with (inScale, inZp), requantize with (outScale, outZp) and clamp. */
  readonly quantized: boolean; readonly raw: boolean;
  readonly inScale: number; readonly inZp: number; readonly outScale: number; readonly outZp: number; readonly qmin: number; readonly qmax: number;
}

function reduceAxes(ctx: OpContext<any>, rank: number): number[] | undefined {
  const v = ctx.value(1);
  if (!v) return undefined;
  return [...new Set(toIntList(v).map((a) => normAxis(ctx, a, rank)))].sort((a, b) => a - b);
}

function reducedShape(x: readonly Dim[], axes: readonly number[], keep: boolean): Dim[] {
  return keep ? x.map((d, i) => (axes.includes(i) ? 1 : d)) : x.filter((_, i) => !axes.includes(i));
}

const reduce = (op: string) => tfl({
  attrs: { keep_dims: attr.int(0), ...quantAttrs('in0', 'out0') }, inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const axes = reduceAxes(ctx, x.length);
    return [tensorType(ctx.tensor(0).dtype, axes ? reducedShape(x, axes, !!ctx.attrs.keep_dims) : undefined)];
  },
  params: (ctx): ReduceParams => {
    const dims = concrete(ctx.shape(0));
    const axes = reduceAxes(ctx, dims.length)!;
    const t = ctx.tensor(0).dtype;
    const qi = scalarQuant(ctx.attrs, 'in0');
    const qo = scalarQuant(ctx.attrs, 'out0');
    const quantized = isQuantizedType(t) && !!qi && !!qo;
    const [qmin, qmax] = INT_RANGE[t] ?? [-Infinity, Infinity];
    return {
      dims, axes, outDims: reducedShape(dims, axes, !!ctx.attrs.keep_dims) as number[], outType: t, quantized,
      raw: quantized && (op === 'REDUCE_MAX' || op === 'REDUCE_MIN'),
      inScale: qi?.scale ?? 1, inZp: qi?.zp ?? 0, outScale: qo?.scale ?? 1, outZp: qo?.zp ?? 0, qmin, qmax,
    };
  },
});

export const REDUCE_OPS = ['MEAN', 'SUM', 'REDUCE_PROD', 'REDUCE_MAX', 'REDUCE_MIN', 'REDUCE_ANY', 'REDUCE_ALL'] as const;

export interface SoftmaxParams {
  readonly rows: number; readonly depth: number; readonly beta: number; readonly outType: DType;
  readonly quantized: boolean;
  readonly inScale: number; readonly inZp: number; readonly outScale: number; readonly outZp: number;
  readonly radius: number; readonly bias: number; readonly alpha: number; readonly lrnBeta: number;
}

const rowwise = () => tfl({
  attrs: { beta: attr.float(1), radius: attr.int(5), bias: attr.float(1), alpha: attr.float(1), out_dtype: attr.string(''), ...quantAttrs('in0', 'out0') },
  // An int8 SOFTMAX may write int16 (the loader records the output type in out_dtype).
  infer: (ctx) => [tensorType((ctx.attrs.out_dtype || ctx.tensor(0).dtype) as DType, ctx.tensor(0).shape)],
  params: (ctx): SoftmaxParams => {
    const x = concrete(ctx.shape(0));
    const t = ctx.tensor(0).dtype;
    const qi = scalarQuant(ctx.attrs, 'in0');
    const qo = scalarQuant(ctx.attrs, 'out0');
    const quantized = isQuantizedType(t) && !!qi && !!qo;
    return {
      rows: product(x, 0, x.length - 1), depth: x[x.length - 1] ?? 1, beta: ctx.attrs.beta, outType: (ctx.attrs.out_dtype || t) as DType, quantized,
      inScale: qi?.scale ?? 1, inZp: qi?.zp ?? 0, outScale: qo?.scale ?? 1, outZp: qo?.zp ?? 0,
      radius: ctx.attrs.radius, bias: ctx.attrs.bias, alpha: ctx.attrs.alpha, lrnBeta: ctx.attrs.beta,
    };
  },
});

export const ROWWISE_OPS = ['SOFTMAX', 'LOG_SOFTMAX', 'L2_NORMALIZATION', 'LOCAL_RESPONSE_NORMALIZATION'] as const;

export const tfliteReduceOps = {
  ...Object.fromEntries(REDUCE_OPS.map((op) => [`tflite.${op}`, reduce(op)])) as Record<`tflite.${(typeof REDUCE_OPS)[number]}`, ReturnType<typeof reduce>>,
  ...Object.fromEntries(ROWWISE_OPS.map((op) => [`tflite.${op}`, rowwise()])) as Record<`tflite.${(typeof ROWWISE_OPS)[number]}`, ReturnType<typeof rowwise>>,
};
