/**
 * TFLite indexing ops: GATHER, GATHER_ND, SCATTER_ND, EMBEDDING_LOOKUP, DYNAMIC_UPDATE_SLICE,
 * SEGMENT_SUM, UNSORTED_SEGMENT_{SUM,PROD,MAX,MIN}, ONE_HOT, REVERSE_V2. Index values are checked at
 * run time: an index outside its dimension is an E_INPUT_INVALID error, as in TFLite.
 */
import type { DType } from '../../ir/dtype.js';
import { freshDim, tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { toIntList } from '../../elements.js';
import { attr, type OpContext, type ParamsContext } from '../schema.js';
import { concrete, normAxis, product } from '../shape-utils.js';
import { checkElements, quantAttrs, quantOf, tfl } from './common.js';

const intsOf = (ctx: OpContext<any>, i: number): number[] | undefined => {
  const v = ctx.has(i) ? ctx.value(i) : undefined;
  return v ? toIntList(v) : undefined;
};
const outShape = (ctx: ParamsContext<any>): number[] => concrete((ctx.outputs[0] as TensorType).shape!);

export interface GatherParams { readonly batch: number; readonly outer: number; readonly axisSize: number; readonly inner: number; readonly perBatch: number; readonly outDims: readonly number[] }

function gatherShape(ctx: OpContext<any>, x: readonly Dim[], idx: readonly Dim[]): Dim[] {
  const axis = normAxis(ctx, ctx.attrs.axis, x.length);
  const bd = ctx.attrs.batch_dims < 0 ? ctx.attrs.batch_dims + idx.length : ctx.attrs.batch_dims;
  if (bd < 0 || bd > axis) ctx.fail(`batch_dims ${ctx.attrs.batch_dims} must lie in [0, axis ${axis}]`);
  return [...x.slice(0, axis), ...idx.slice(bd), ...x.slice(axis + 1)];
}

const GATHER = tfl({
  attrs: { axis: attr.int(0), batch_dims: attr.int(0) }, inputs: [2, 2],
  infer: (ctx) => [tensorType(ctx.tensor(0).dtype, gatherShape(ctx, ctx.shape(0), ctx.shape(1)))],
  params: (ctx): GatherParams => {
    const x = concrete(ctx.shape(0));
    const idx = concrete(ctx.shape(1));
    const axis = normAxis(ctx, ctx.attrs.axis, x.length);
    const bd = ctx.attrs.batch_dims < 0 ? ctx.attrs.batch_dims + idx.length : ctx.attrs.batch_dims;
    for (let i = 0; i < bd; i++) if (x[i] !== idx[i]) ctx.fail(`batch dimension ${i} differs: ${x[i]} vs ${idx[i]}`, 'E_SHAPE_MISMATCH');
    return {
      batch: product(x, 0, bd), outer: product(x, bd, axis), axisSize: x[axis]!, inner: product(x, axis + 1),
      perBatch: product(idx, bd), outDims: gatherShape(ctx, x, idx) as number[],
    };
  },
});

/** EMBEDDING_LOOKUP (ids, table): rows of the table; an integer table with a float output is dequantized per row. */
export interface EmbeddingParams extends GatherParams { readonly outType: DType; readonly scale: readonly number[]; readonly zp: readonly number[] }
const EMBEDDING_LOOKUP = tfl({
  attrs: { out_dtype: attr.string(''), ...quantAttrs('in1') }, inputs: [2, 2],
  infer: (ctx) => [tensorType((ctx.attrs.out_dtype || ctx.tensor(1).dtype) as DType, [...ctx.shape(0), ...ctx.shape(1).slice(1)])],
  params: (ctx): EmbeddingParams => {
    const t = concrete(ctx.shape(1));
    const outType = (ctx.attrs.out_dtype || ctx.tensor(1).dtype) as DType;
    const q = quantOf(ctx.attrs, 'in1');
    return {
      batch: 1, outer: 1, axisSize: t[0]!, inner: product(t, 1), perBatch: product(concrete(ctx.shape(0))), outDims: outShape(ctx),
      outType, scale: q?.scale ?? [], zp: q?.zp ?? [],
    };
  },
});

export interface GatherNdParams { readonly n: number; readonly k: number; readonly inner: number; readonly strides: readonly number[]; readonly dims: readonly number[]; readonly outDims: readonly number[] }
const GATHER_ND = tfl({
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const idx = ctx.shape(1);
    const k = idx[idx.length - 1];
    return [tensorType(ctx.tensor(0).dtype, typeof k === 'number' ? [...idx.slice(0, -1), ...x.slice(k)] : undefined)];
  },
  params: (ctx): GatherNdParams => {
    const x = concrete(ctx.shape(0));
    const idx = concrete(ctx.shape(1));
    const k = idx[idx.length - 1]!;
    if (k > x.length) ctx.fail(`index depth ${k} exceeds rank ${x.length}`, 'E_SHAPE_MISMATCH');
    const inner = product(x, k);
    return { n: product(idx, 0, idx.length - 1), k, inner, strides: x.slice(0, k).map((_, i) => product(x, i + 1, k) * inner), dims: x.slice(0, k), outDims: outShape(ctx) };
  },
});

const SCATTER_ND = tfl({
  inputs: [3, 3],
  infer: (ctx) => [tensorType(ctx.tensor(1).dtype, intsOf(ctx, 2) ?? undefined)],
  params: (ctx): GatherNdParams => {
    const x = intsOf(ctx, 2)!;
    const idx = concrete(ctx.shape(0));
    const k = idx[idx.length - 1]!;
    if (k > x.length) ctx.fail(`index depth ${k} exceeds rank ${x.length}`, 'E_SHAPE_MISMATCH');
    const inner = product(x, k);
    return { n: product(idx, 0, idx.length - 1), k, inner, strides: x.slice(0, k).map((_, i) => product(x, i + 1, k) * inner), dims: x.slice(0, k), outDims: checkElements(x) };
  },
});

export interface UpdateSliceParams { readonly dims: readonly number[]; readonly updDims: readonly number[] }
const DYNAMIC_UPDATE_SLICE = tfl({
  inputs: [3, 3],
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx): UpdateSliceParams => ({ dims: concrete(ctx.shape(0)), updDims: concrete(ctx.shape(1)) }),
});

export interface SegmentParams { readonly op: string; readonly segments: number; readonly inner: number; readonly outDims: readonly number[] }
const segment = (op: string) => tfl({
  inputs: op === 'SEGMENT_SUM' ? [2, 2] : [3, 3],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const ids = ctx.shape(1);
    const n = op === 'SEGMENT_SUM' ? (ctx.value(1) ? toIntList(ctx.value(1)!).reduce((a, b) => Math.max(a, b), -1) + 1 : freshDim()) : intsOf(ctx, 2)?.[0] ?? freshDim();
    return [tensorType(ctx.tensor(0).dtype, [n, ...x.slice(ids.length)])];
  },
  params: (ctx): SegmentParams => {
    const x = concrete(ctx.shape(0));
    const ids = concrete(ctx.shape(1));
    const out = outShape(ctx);
    return { op, segments: out[0]!, inner: product(x, ids.length), outDims: out };
  },
});

export interface OneHotParams { readonly outer: number; readonly depth: number; readonly inner: number; readonly outDims: readonly number[] }
const ONE_HOT = tfl({
  attrs: { axis: attr.int(-1) }, inputs: [4, 4],
  infer: (ctx) => {
    const idx = ctx.shape(0);
    const depth = intsOf(ctx, 1)?.[0] ?? freshDim();
    const axis = ctx.attrs.axis === -1 ? idx.length : normAxis(ctx, ctx.attrs.axis, idx.length, true);
    return [tensorType(ctx.tensor(2).dtype, [...idx.slice(0, axis), depth, ...idx.slice(axis)])];
  },
  params: (ctx): OneHotParams => {
    const idx = concrete(ctx.shape(0));
    const axis = ctx.attrs.axis === -1 ? idx.length : normAxis(ctx, ctx.attrs.axis, idx.length, true);
    const depth = intsOf(ctx, 1)![0]!;
    if (depth < 0) ctx.fail(`depth ${depth} must be non-negative`, 'E_INPUT_INVALID');
    return { outer: product(idx, 0, axis), depth, inner: product(idx, axis), outDims: checkElements(outShape(ctx)) };
  },
});

export interface ReverseParams { readonly dims: readonly number[]; readonly axes: readonly number[] }
const REVERSE_V2 = tfl({
  inputs: [2, 2],
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx): ReverseParams => {
    const dims = concrete(ctx.shape(0));
    return { dims, axes: (intsOf(ctx, 1) ?? []).map((a) => normAxis(ctx, a, dims.length)) };
  },
});

export const tfliteGatherOps = {
  'tflite.GATHER': GATHER, 'tflite.EMBEDDING_LOOKUP': EMBEDDING_LOOKUP, 'tflite.GATHER_ND': GATHER_ND, 'tflite.SCATTER_ND': SCATTER_ND,
  'tflite.DYNAMIC_UPDATE_SLICE': DYNAMIC_UPDATE_SLICE, 'tflite.SEGMENT_SUM': segment('SEGMENT_SUM'),
  'tflite.UNSORTED_SEGMENT_SUM': segment('UNSORTED_SEGMENT_SUM'), 'tflite.UNSORTED_SEGMENT_PROD': segment('UNSORTED_SEGMENT_PROD'),
  'tflite.UNSORTED_SEGMENT_MAX': segment('UNSORTED_SEGMENT_MAX'), 'tflite.UNSORTED_SEGMENT_MIN': segment('UNSORTED_SEGMENT_MIN'),
  'tflite.ONE_HOT': ONE_HOT, 'tflite.REVERSE_V2': REVERSE_V2,
};
