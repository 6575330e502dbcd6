/** Schemas of the ops that make new tensors: Constant, ConstantOfShape, Range, EyeLike, OneHot, Trilu. */
import { int64Tensor, toBigInts, toIntList, toNumbers } from '../../elements.js';
import { DTYPES, dtypeFromOnnx, isWideInt, type DType } from '../../ir/dtype.js';
import { freshDim, tensorType } from '../../ir/types.js';
import { Tensor } from '../../tensor.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, normAxis } from '../shape-utils.js';
import { freshDims, intInput, isIndexType, outDims, staticLength } from './common.js';

export interface ConstantParams { readonly value: Tensor }

type ConstantAttrs = {
  value: Tensor | undefined; sparse_value: Tensor | undefined; value_float: number | undefined; value_floats: readonly number[] | undefined;
  value_int: number | undefined; value_ints: readonly number[] | undefined; value_string: string | undefined; value_strings: readonly string[] | undefined;
};

function constantValue(ctx: OpContext<ConstantAttrs>): Tensor {
  const a = ctx.attrs;
  const given: Tensor[] = [];
  if (a.value !== undefined) given.push(a.value);
  if (a.sparse_value !== undefined) given.push(a.sparse_value);
  if (a.value_float !== undefined) given.push(new Tensor('float32', [a.value_float], []));
  if (a.value_floats !== undefined) given.push(new Tensor('float32', Float32Array.from(a.value_floats), [a.value_floats.length]));
  if (a.value_int !== undefined) given.push(int64Tensor([a.value_int], []));
  if (a.value_ints !== undefined) given.push(int64Tensor(a.value_ints));
  if (a.value_string !== undefined) given.push(new Tensor('string', [a.value_string], []));
  if (a.value_strings !== undefined) given.push(new Tensor('string', [...a.value_strings], [a.value_strings.length]));
  if (given.length !== 1) ctx.fail(`exactly one value attribute must be set, got ${given.length}`);
  return given[0]!;
}

const Constant = defineOp({
  attrs: {
    value: attr.tensor(), sparse_value: attr.tensor(), value_float: attr.float(), value_floats: attr.floats(),
    value_int: attr.int(), value_ints: attr.ints(), value_string: attr.string(), value_strings: attr.strings(),
  },
  inputs: [0, 0],
  infer: (ctx) => {
    const v = constantValue(ctx);
    return [tensorType(v.type, v.dims)];
  },
  params: (ctx): ConstantParams => ({ value: constantValue(ctx) }),
});

export interface ConstantOfShapeParams { readonly dims: readonly number[]; readonly value: Tensor | undefined }

const ConstantOfShape = defineOp({
  since: 9,
  attrs: { value: attr.tensor() },
  infer: (ctx) => {
    const v = ctx.attrs.value;
    if (v && v.size !== 1) ctx.fail(`value must hold exactly one element, got ${v.size}`);
    const dtype = v?.type ?? 'float32';
    const t = ctx.tensor(0);
    if (t.dtype !== 'int64') ctx.fail(`the shape input must be int64, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
    const dims = intInput(ctx, 0, 'shape');
    if (!dims) {
      const n = staticLength(ctx, 0);
      return [tensorType(dtype, n === undefined ? undefined : freshDims(n))];
    }
    if (dims.some((d) => d < 0)) ctx.fail(`shape entries must be >= 0, got [${dims.join(',')}]`);
    return [tensorType(dtype, dims)];
  },
  params: (ctx): ConstantOfShapeParams => ({ dims: outDims(ctx), value: ctx.attrs.value }),
});

export interface RangeParams { readonly count: number }

const RANGE_TYPES: ReadonlySet<DType> = new Set(['float32', 'float64', 'int16', 'int32', 'int64', 'float16', 'bfloat16']);

/** A scalar (or one-element) input of Range as a number. */
function scalarOf(ctx: OpContext<unknown>, i: number, what: string): number | undefined {
  const t = ctx.value(i);
  if (!t) return undefined;
  if (t.size !== 1) ctx.fail(`${what} must be a scalar, got dims [${t.dims.join(',')}]`, 'E_SHAPE_MISMATCH');
  return toNumbers(t)[0]!;
}

function rangeCount(ctx: OpContext<unknown>, dtype: DType): number | undefined {
  if (isWideInt(dtype)) {
    const [s, l, d] = [0, 1, 2].map((i) => ctx.value(i));
    if (!s || !l || !d) return undefined;
    for (const t of [s, l, d]) if (t.size !== 1) ctx.fail(`start, limit and delta must be scalars`, 'E_SHAPE_MISMATCH');
    const [a, b, c] = [s, l, d].map((t) => toBigInts(t)[0]!) as [bigint, bigint, bigint];
    if (c === 0n) ctx.fail(`delta cannot be 0`, 'E_INPUT_INVALID');
    const diff = b - a;
    let q = diff / c;
    if (diff % c !== 0n && (diff > 0n) === (c > 0n)) q += 1n;
    return q > 0n ? Number(q) : 0;
  }
  const start = scalarOf(ctx, 0, 'start');
  const limit = scalarOf(ctx, 1, 'limit');
  const delta = scalarOf(ctx, 2, 'delta');
  if (start === undefined || limit === undefined || delta === undefined) return undefined;
  if (delta === 0) ctx.fail(`delta cannot be 0`, 'E_INPUT_INVALID');
  if (!Number.isFinite(start) || !Number.isFinite(limit) || !Number.isFinite(delta)) ctx.fail(`start, limit and delta must be finite`, 'E_INPUT_INVALID');
  // The spec computes the count in the input type (float32 for the narrow floats, which its function body casts to float32).
  const n = dtype === 'float64' || DTYPES[dtype].kind !== 'float'
    ? Math.ceil((limit - start) / delta)
    : Math.ceil(Math.fround(Math.fround(limit - start) / delta));
  return Math.max(n, 0);
}

const Range = defineOp({
  since: 11,
  inputs: [3, 3],
  infer: (ctx) => {
    const dtype = ctx.tensor(0).dtype;
    for (const i of [1, 2]) if (ctx.tensor(i).dtype !== dtype) ctx.fail(`start, limit and delta must share one type`, 'E_TYPE_UNSUPPORTED');
    if (!RANGE_TYPES.has(dtype)) ctx.fail(`Range does not take ${dtype}`, 'E_TYPE_UNSUPPORTED');
    const n = rangeCount(ctx, dtype);
    return [tensorType(dtype, [n ?? freshDim()])];
  },
  params: (ctx): RangeParams => ({ count: outDims(ctx)[0]! }),
});

export interface EyeLikeParams { readonly dtype: DType; readonly k: number; readonly dims: readonly number[] }

function eyeType(ctx: OpContext<{ dtype: number | undefined }>): DType {
  const code = ctx.attrs.dtype;
  const dtype = code === undefined ? ctx.tensor(0).dtype : dtypeFromOnnx(code) ?? ctx.fail(`unknown dtype ${code}`, 'E_TYPE_UNSUPPORTED');
  const k = DTYPES[dtype].kind;
  if (k === 'string' || k === 'complex' || k === 'block') ctx.fail(`EyeLike cannot make ${dtype}`, 'E_TYPE_UNSUPPORTED');
  return dtype;
}

const EyeLike = defineOp({
  since: 9,
  attrs: { dtype: attr.int(), k: attr.int(0) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (x.shape && x.shape.length !== 2) ctx.fail(`input must be 2-D, got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    return [tensorType(eyeType(ctx), x.shape ?? freshDims(2))];
  },
  params: (ctx): EyeLikeParams => ({ dtype: eyeType(ctx), k: ctx.attrs.k, dims: concrete(ctx.shape(0)) }),
});

export interface OneHotParams { readonly axis: number; readonly depth: number; readonly outDims: readonly number[] }

function oneHotDepth(ctx: OpContext<unknown>): number | undefined {
  const d = scalarOf(ctx, 1, 'depth');
  if (d === undefined) return undefined;
  const depth = Math.trunc(d);
  if (!(depth > 0)) ctx.fail(`depth must be > 0, got ${d}`, 'E_INPUT_INVALID');
  return depth;
}

const OneHot = defineOp({
  since: 9,
  attrs: { axis: attr.int(-1) },
  inputs: [3, 3],
  infer: (ctx) => {
    const ind = ctx.tensor(0);
    const values = ctx.tensor(2);
    if (values.shape && values.shape.length !== 1) ctx.fail(`values must be 1-D [off, on]`, 'E_SHAPE_MISMATCH');
    if (values.shape && typeof values.shape[0] === 'number' && values.shape[0] !== 2) ctx.fail(`values must hold 2 elements [off, on]`, 'E_SHAPE_MISMATCH');
    const depth = oneHotDepth(ctx) ?? freshDim();
    if (!ind.shape) return [tensorType(values.dtype)];
    const axis = normAxis(ctx, ctx.attrs.axis, ind.shape.length, true);
    const out = [...ind.shape];
    out.splice(axis, 0, depth);
    return [tensorType(values.dtype, out)];
  },
  params: (ctx): OneHotParams => {
    const dims = outDims(ctx);
    const axis = normAxis(ctx, ctx.attrs.axis, dims.length - 1, true);
    return { axis, depth: dims[axis]!, outDims: dims };
  },
});

export interface TriluParams { readonly upper: boolean; readonly k: number }

const Trilu = defineOp({
  since: 14,
  attrs: { upper: attr.int(1) },
  inputs: [1, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (x.shape && x.shape.length < 2) ctx.fail(`input must have rank >= 2, got ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    if (ctx.has(1)) {
      const k = ctx.tensor(1);
      if (!isIndexType(k.dtype)) ctx.fail(`k must be int64, got ${k.dtype}`, 'E_TYPE_UNSUPPORTED');
    }
    return [x];
  },
  params: (ctx): TriluParams => {
    let k = 0;
    if (ctx.has(1)) {
      const t = ctx.value(1)!;
      if (t.size !== 1) ctx.fail(`k must be a scalar`, 'E_SHAPE_MISMATCH');
      k = toIntList(t)[0]!;
    }
    return { upper: ctx.attrs.upper !== 0, k };
  },
});

export const createOps = { Constant, ConstantOfShape, Range, EyeLike, OneHot, Trilu };
