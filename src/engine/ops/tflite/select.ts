/**
 * TFLite selection and generator ops: SELECT, SELECT_V2, WHERE, RANGE, ARG_MAX, ARG_MIN, TOPK_V2,
 * CUMSUM, CAST, BROADCAST_ARGS.
 */
import type { DType } from '../../ir/dtype.js';
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { toIntList, toNumbers } from '../../elements.js';
import { attr, type OpContext } from '../schema.js';
import { broadcastShapes, concrete, normAxis, product } from '../shape-utils.js';
import { checkElements, tfl } from './common.js';

const intsOf = (ctx: OpContext<any>, i: number): number[] | undefined => {
  const v = ctx.has(i) ? ctx.value(i) : undefined;
  return v ? toIntList(v) : undefined;
};

/** SELECT (v1): a rank-1 condition picks whole rows of higher-rank inputs; SELECT_V2 broadcasts all three. */
function selectShape(ctx: OpContext<any>, v1: boolean): Dim[] | undefined {
  const c = ctx.shape(0);
  const x = ctx.shape(1);
  if (v1 && c.length === 1 && x.length > 1) return broadcastShapes(ctx, [x, ctx.shape(2)]);
  return broadcastShapes(ctx, [c, x, ctx.shape(2)]);
}

export interface SelectParams { readonly outDims: readonly number[]; readonly condDims: readonly number[] }
const select = (v1: boolean) => tfl({
  inputs: [3, 3],
  infer: (ctx) => [tensorType(ctx.tensor(1).dtype, selectShape(ctx, v1))],
  params: (ctx): SelectParams => {
    const outDims = concrete(selectShape(ctx, v1)!);
    const c = concrete(ctx.shape(0));
    // A v1 rank-1 condition runs along the first dimension: as a [n, 1, …, 1] tensor it broadcasts.
    const condDims = v1 && c.length === 1 && outDims.length > 1 ? [c[0]!, ...outDims.slice(1).map(() => 1)] : c;
    return { outDims, condDims };
  },
});

const WHERE = tfl({
  infer: (ctx) => [tensorType('int64', [freshDim(), ctx.shape(0).length])],
  params: (ctx) => ({ dims: concrete(ctx.shape(0)) }),
});

export interface RangeParams { readonly start: number; readonly delta: number; readonly count: number; readonly outType: DType }
function rangeOf(ctx: OpContext<any>): RangeParams | undefined {
  const [s, l, d] = [0, 1, 2].map((i) => ctx.value(i));
  if (!s || !l || !d) return undefined;
  const [start, limit, delta] = [toNumbers(s)[0]!, toNumbers(l)[0]!, toNumbers(d)[0]!];
  if (delta === 0 || (delta > 0 && start > limit) || (delta < 0 && start < limit)) ctx.fail(`RANGE(${start}, ${limit}, ${delta}) is empty or infinite`, 'E_INPUT_INVALID');
  const count = Math.ceil(Math.abs((limit - start) / delta));
  checkElements([count]);
  return { start, delta, count, outType: ctx.tensor(0).dtype };
}
const RANGE = tfl({
  inputs: [3, 3],
  infer: (ctx) => [tensorType(ctx.tensor(0).dtype, [rangeOf(ctx)?.count ?? freshDim()])],
  params: (ctx) => rangeOf(ctx)!,
});

export interface ArgParams { readonly outer: number; readonly axis: number; readonly inner: number; readonly outDims: readonly number[]; readonly outType: DType }
const arg = () => tfl({
  attrs: { out_dtype: attr.string('int64') }, inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const a = intsOf(ctx, 1);
    return [tensorType(ctx.attrs.out_dtype as DType, a ? x.filter((_, i) => i !== normAxis(ctx, a[0]!, x.length)) : undefined)];
  },
  params: (ctx): ArgParams => {
    const x = concrete(ctx.shape(0));
    const axis = normAxis(ctx, intsOf(ctx, 1)![0]!, x.length);
    return { outer: product(x, 0, axis), axis: x[axis]!, inner: product(x, axis + 1), outDims: x.filter((_, i) => i !== axis), outType: ctx.attrs.out_dtype as DType };
  },
});

export interface TopKParams { readonly rows: number; readonly n: number; readonly k: number; readonly outDims: readonly number[] }
const TOPK_V2 = tfl({
  inputs: [2, 2], outputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const k: Dim = intsOf(ctx, 1)?.[0] ?? freshDim();
    const shape = [...x.slice(0, -1), k];
    return [tensorType(ctx.tensor(0).dtype, shape), tensorType('int32', shape)];
  },
  params: (ctx): TopKParams => {
    const x = concrete(ctx.shape(0));
    const k = intsOf(ctx, 1)![0]!;
    const n = x[x.length - 1]!;
    if (!(k >= 0 && k <= n)) ctx.fail(`k = ${k} must lie in [0, ${n}]`, 'E_INPUT_INVALID');
    return { rows: product(x, 0, x.length - 1), n, k, outDims: [...x.slice(0, -1), k] };
  },
});

export interface CumsumParams { readonly outer: number; readonly axis: number; readonly inner: number; readonly exclusive: boolean; readonly reverse: boolean }
const CUMSUM = tfl({
  attrs: { exclusive: attr.int(0), reverse: attr.int(0) }, inputs: [2, 2],
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx): CumsumParams => {
    const x = concrete(ctx.shape(0));
    const axis = normAxis(ctx, intsOf(ctx, 1)![0]!, x.length);
    return { outer: product(x, 0, axis), axis: x[axis]!, inner: product(x, axis + 1), exclusive: !!ctx.attrs.exclusive, reverse: !!ctx.attrs.reverse };
  },
});

const CAST = tfl({
  attrs: { out_dtype: attr.string('float32') },
  infer: (ctx) => [tensorType(ctx.attrs.out_dtype as DType, ctx.tensor(0).shape)],
  params: (ctx) => ({ outType: ctx.attrs.out_dtype as DType }),
});

const BROADCAST_ARGS = tfl({
  inputs: [2, 2],
  infer: (ctx) => [tensorType(ctx.tensor(0).dtype, [freshDim()])],
  params: (ctx) => {
    const s = broadcastShapes(ctx, [intsOf(ctx, 0)!, intsOf(ctx, 1)!])!;
    return { values: s as number[] };
  },
});

export const tfliteSelectOps = {
  'tflite.SELECT': select(true), 'tflite.SELECT_V2': select(false), 'tflite.WHERE': WHERE, 'tflite.RANGE': RANGE,
  'tflite.ARG_MAX': arg(), 'tflite.ARG_MIN': arg(), 'tflite.TOPK_V2': TOPK_V2, 'tflite.CUMSUM': CUMSUM, 'tflite.CAST': CAST,
  'tflite.BROADCAST_ARGS': BROADCAST_ARGS,
};

