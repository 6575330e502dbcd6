/** Schemas of the ops that walk one axis: ArgMax/ArgMin, CumSum/CumProd, TopK. */
import { toIntList } from '../../elements.js';
import { DTYPES } from '../../ir/dtype.js';
import { freshDim, tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { ShapeUnknown } from '../context.js';
import { attr, defineOp, type OpContext, type ParamsContext } from '../schema.js';
import { concrete, normAxis, product } from '../shape-utils.js';

/** A tensor seen as [outer, n, inner] around one axis. */
export interface AxisSplit { readonly outer: number; readonly n: number; readonly inner: number }

export function splitAt(dims: readonly number[], axis: number): AxisSplit {
  return { outer: product(dims, 0, axis), n: dims[axis]!, inner: product(dims, axis + 1) };
}

/** Fails unless the input is a plain number tensor (float, int or uint). */
export function requireNumeric(ctx: OpContext<unknown>, t: TensorType, what = 'this op'): void {
  const k = DTYPES[t.dtype].kind;
  if (k !== 'float' && k !== 'int' && k !== 'uint') ctx.fail(`${what} does not take ${t.dtype} tensors`, 'E_TYPE_UNSUPPORTED');
}

/** The concrete dims inference gave output `i` (in `params`, at run time). */
export function outDims(ctx: ParamsContext<unknown>, i: number): number[] {
  const t = ctx.outputs[i];
  if (!t || t.kind !== 'tensor' || !t.shape) throw new ShapeUnknown(`output ${i} shape not known`);
  return concrete(t.shape);
}

// ---------------------------------------------------------------- ArgMax / ArgMin

export interface ArgParams extends AxisSplit {
  readonly outDims: readonly number[];
  readonly max: boolean;
  /** select_last_index: ties go to the last occurrence. */
  readonly last: boolean;
}

const argOp = (max: boolean) => defineOp({
  attrs: { axis: attr.int(0), keepdims: attr.int(1), select_last_index: attr.int(0) },
  infer: (ctx) => {
    const t = ctx.tensor(0);
    requireNumeric(ctx, t, max ? 'ArgMax' : 'ArgMin');
    if (!t.shape) return [tensorType('int64')];
    const a = normAxis(ctx, ctx.attrs.axis, t.shape.length);
    const shape: Dim[] = [];
    t.shape.forEach((d, i) => {
      if (i !== a) shape.push(d);
      else if (ctx.attrs.keepdims !== 0) shape.push(1);
    });
    return [tensorType('int64', shape)];
  },
  params: (ctx): ArgParams => {
    const dims = concrete(ctx.shape(0));
    const s = splitAt(dims, normAxis(ctx, ctx.attrs.axis, dims.length));
    if (s.n === 0 && s.outer * s.inner > 0) ctx.fail(`cannot take the arg${max ? 'max' : 'min'} of an empty axis`, 'E_INPUT_INVALID');
    return { ...s, outDims: outDims(ctx, 0), max, last: ctx.attrs.select_last_index !== 0 };
  },
});

export const argOps = { ArgMax: argOp(true), ArgMin: argOp(false) };

// ---------------------------------------------------------------- CumSum / CumProd

export interface CumParams extends AxisSplit {
  readonly exclusive: boolean;
  readonly reverse: boolean;
}

/** Reads a scalar (or one-element 1-D) integer input; undefined when not known statically. */
function scalarIntInput(ctx: OpContext<unknown>, i: number, what: string): number | undefined {
  const t = ctx.tensor(i);
  if (t.dtype !== 'int64' && t.dtype !== 'int32') ctx.fail(`${what} must be int32 or int64, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
  const v = ctx.value(i);
  if (!v) return undefined;
  if (v.dims.length > 1 || v.size !== 1) ctx.fail(`${what} must hold exactly one value, got dims [${v.dims.join(',')}]`, 'E_SHAPE_MISMATCH');
  return toIntList(v)[0]!;
}

const cumOp = (since: number) => defineOp({
  since,
  attrs: { exclusive: attr.int(0), reverse: attr.int(0) },
  inputs: [2, 2],
  infer: (ctx) => {
    const t = ctx.tensor(0);
    requireNumeric(ctx, t);
    const axis = scalarIntInput(ctx, 1, 'axis');
    if (axis !== undefined && t.shape) normAxis(ctx, axis, t.shape.length);
    return [t];
  },
  params: (ctx): CumParams => {
    const dims = concrete(ctx.shape(0));
    const axis = scalarIntInput(ctx, 1, 'axis');
    if (axis === undefined) throw new ShapeUnknown('axis not known yet');
    return { ...splitAt(dims, normAxis(ctx, axis, dims.length)), exclusive: ctx.attrs.exclusive !== 0, reverse: ctx.attrs.reverse !== 0 };
  },
});

export const cumOps = { CumSum: cumOp(11), CumProd: cumOp(26) };

// ---------------------------------------------------------------- TopK

export interface TopKParams extends AxisSplit {
  readonly outDims: readonly number[];
  readonly k: number;
  readonly largest: boolean;
  readonly sorted: boolean;
}

interface TopKAttrs { readonly k: number | undefined; readonly axis: number }

/** k: an attribute before opset 10, input 1 from then on. undefined when not known statically. */
function topK(ctx: OpContext<TopKAttrs>): number | undefined {
  let k: number | undefined;
  if (ctx.opset < 10) {
    if (ctx.has(1)) ctx.fail('k is an attribute before opset 10, not an input');
    if (ctx.attrs.k === undefined) ctx.fail(`required attribute 'k' is missing`);
    k = ctx.attrs.k;
  } else {
    if (!ctx.has(1)) ctx.fail('input 1 (k) is required from opset 10');
    k = scalarIntInput(ctx, 1, 'k');
  }
  if (k !== undefined && k < 0) ctx.fail(`k must be non-negative, got ${k}`, 'E_INPUT_INVALID');
  return k;
}

const TopK = defineOp({
  attrs: { k: attr.int(), axis: attr.int(-1), largest: attr.int(1), sorted: attr.int(1) },
  inputs: [1, 2],
  outputs: [2, 2],
  infer: (ctx) => {
    const t = ctx.tensor(0);
    requireNumeric(ctx, t, 'TopK');
    const k = topK(ctx);
    if (!t.shape) return [tensorType(t.dtype), tensorType('int64')];
    const a = normAxis(ctx, ctx.attrs.axis, t.shape.length);
    const d = t.shape[a]!;
    if (k !== undefined && typeof d === 'number' && k > d) ctx.fail(`k = ${k} is larger than axis ${a}'s size ${d}`, 'E_INPUT_INVALID');
    const shape = t.shape.map((x, i) => (i === a ? k ?? freshDim() : x));
    return [tensorType(t.dtype, shape), tensorType('int64', shape)];
  },
  params: (ctx): TopKParams => {
    const dims = concrete(ctx.shape(0));
    const k = topK(ctx);
    if (k === undefined) throw new ShapeUnknown('k not known yet');
    return { ...splitAt(dims, normAxis(ctx, ctx.attrs.axis, dims.length)), outDims: outDims(ctx, 0), k, largest: ctx.attrs.largest !== 0, sorted: ctx.attrs.sorted !== 0 };
  },
});

export const topKOps = { TopK };
