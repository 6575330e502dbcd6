/** Schemas of the ops that rearrange elements without cutting: Reshape, Flatten, Squeeze, Unsqueeze, Transpose, DepthToSpace, SpaceToDepth, Shape, Size. */
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, dimMath, dimProduct, normAxes } from '../shape-utils.js';
import { freshDims, intInput, outDims, staticLength } from './common.js';

/** Params of the ops whose output is the input's data under new dims (Reshape, Flatten, Squeeze, Unsqueeze). */
export interface ReshapeParams { readonly dims: readonly number[] }
const reshapeParams = (ctx: { outputs: readonly unknown[] }): ReshapeParams => ({ dims: outDims(ctx) });

/** Reshape's target resolved against the input shape: 0 copies a dim (unless allowzero), -1 is inferred. */
function reshapeDims(ctx: OpContext<unknown>, inShape: readonly Dim[] | undefined, target: readonly number[], allowzero: boolean): Dim[] {
  const out: Dim[] = [];
  let neg = -1;
  target.forEach((v, i) => {
    if (v === -1) {
      if (neg >= 0) ctx.fail(`shape [${target.join(',')}] has more than one -1`);
      neg = i;
      out.push(0);
    } else if (v < -1 || !Number.isInteger(v)) {
      ctx.fail(`invalid dim ${v} in shape [${target.join(',')}]`);
    } else if (v === 0 && !allowzero) {
      if (!inShape) out.push(freshDim());
      else if (i >= inShape.length) ctx.fail(`shape [${target.join(',')}] copies dim ${i} (0) but the input has rank ${inShape.length}`, 'E_SHAPE_MISMATCH');
      else out.push(inShape[i]!);
    } else {
      out.push(v);
    }
  });
  if (allowzero && neg >= 0 && target.includes(0)) ctx.fail(`shape [${target.join(',')}] has both 0 and -1 with allowzero=1`);
  if (!inShape) {
    if (neg >= 0) out[neg] = freshDim();
    return out;
  }
  // Split both sides into a numeric product and a multiset of symbols; equal symbols cancel.
  const syms = new Map<string, number>();
  let inNum = 1;
  for (const d of inShape) {
    if (typeof d === 'number') inNum *= d;
    else syms.set(d, (syms.get(d) ?? 0) + 1);
  }
  let outNum = 1;
  let unmatched = false;
  out.forEach((d, i) => {
    if (i === neg) return;
    if (typeof d === 'number') outNum *= d;
    else if ((syms.get(d) ?? 0) > 0) syms.set(d, syms.get(d)! - 1);
    else unmatched = true;
  });
  const leftover = [...syms.values()].some((c) => c > 0);
  const mismatch = (): never => ctx.fail(`cannot reshape [${inShape.join(',')}] to [${target.join(',')}]`, 'E_SHAPE_MISMATCH');
  if (neg >= 0) {
    if (unmatched || leftover) {
      out[neg] = freshDim();
    } else {
      if (outNum === 0) {
        if (inNum !== 0) mismatch();
        ctx.fail(`shape [${target.join(',')}]: the -1 dim cannot be inferred when another dim is 0`, 'E_SHAPE_MISMATCH');
      }
      if (inNum % outNum !== 0) mismatch();
      out[neg] = inNum / outNum;
    }
  } else if (!unmatched && !leftover && inNum !== outNum) {
    mismatch();
  }
  return out;
}

const Reshape = defineOp({
  attrs: { shape: attr.ints(), allowzero: attr.int(0) },
  inputs: [1, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    let target: readonly number[] | undefined;
    if (ctx.opset < 5) {
      target = ctx.attrs.shape ?? ctx.fail(`the 'shape' attribute is required before opset 5`);
    } else {
      if (!ctx.has(1)) ctx.fail(`input 1 (shape) is required`);
      target = intInput(ctx, 1, 'shape');
      if (!target) {
        const n = staticLength(ctx, 1);
        return [tensorType(x.dtype, n === undefined ? undefined : freshDims(n))];
      }
    }
    return [tensorType(x.dtype, reshapeDims(ctx, x.shape, target, ctx.opset >= 14 && ctx.attrs.allowzero !== 0))];
  },
  params: reshapeParams,
});

const Flatten = defineOp({
  attrs: { axis: attr.int(1) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return [tensorType(x.dtype, [freshDim(), freshDim()])];
    const r = x.shape.length;
    if (ctx.opset < 11 && ctx.attrs.axis < 0) ctx.fail(`negative axis needs opset 11`);
    const axis = ctx.attrs.axis;
    const a = axis < 0 ? axis + r : axis;
    if (!(a >= 0 && a <= r)) ctx.fail(`axis ${axis} is out of range [${-r}, ${r}]`);
    return [tensorType(x.dtype, [dimProduct(x.shape.slice(0, a)), dimProduct(x.shape.slice(a))])];
  },
  params: reshapeParams,
});

/** Axes given by attribute before `since`, by an optional input from it: undefined = not given, null = not known yet. */
function axesArg(ctx: OpContext<{ axes: readonly number[] | undefined }>, since: number): readonly number[] | undefined | null {
  if (ctx.opset < since) return ctx.attrs.axes;
  if (ctx.attrs.axes !== undefined) ctx.fail(`from opset ${since} axes is an input, not an attribute`);
  if (!ctx.has(1)) return undefined;
  return intInput(ctx, 1, 'axes') ?? null;
}

const Squeeze = defineOp({
  attrs: { axes: attr.ints() },
  inputs: [1, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const axes = axesArg(ctx, 13);
    if (!x.shape || axes === null) return [tensorType(x.dtype)];
    const shape = x.shape;
    if (axes === undefined) {
      if (shape.some((d) => typeof d !== 'number')) return [tensorType(x.dtype)];
      return [tensorType(x.dtype, shape.filter((d) => d !== 1))];
    }
    const ax = normAxes(ctx, axes, shape.length);
    for (const a of ax) {
      const d = shape[a]!;
      if (typeof d === 'number' && d !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${d}`, 'E_SHAPE_MISMATCH');
    }
    return [tensorType(x.dtype, shape.filter((_, i) => !ax.includes(i)))];
  },
  params: reshapeParams,
});

const Unsqueeze = defineOp({
  attrs: { axes: attr.ints() },
  inputs: [1, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const axes = axesArg(ctx, 13);
    if (axes === undefined) return ctx.fail(ctx.opset < 13 ? `the 'axes' attribute is required` : `input 1 (axes) is required`);
    if (!x.shape) return [tensorType(x.dtype)];
    if (axes === null) {
      const n = staticLength(ctx, 1);
      return [tensorType(x.dtype, n === undefined ? undefined : freshDims(x.shape.length + n))];
    }
    const r = x.shape.length + axes.length;
    const ax = normAxes(ctx, axes, r);
    const out: Dim[] = [];
    let k = 0;
    for (let i = 0; i < r; i++) out.push(ax.includes(i) ? 1 : x.shape[k++]!);
    return [tensorType(x.dtype, out)];
  },
  params: reshapeParams,
});

export interface TransposeParams { readonly perm: readonly number[]; readonly inDims: readonly number[] }

function permOf(ctx: OpContext<{ perm: readonly number[] | undefined }>, rank: number): number[] {
  const perm = ctx.attrs.perm ? [...ctx.attrs.perm] : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  if (perm.length !== rank || new Set(perm).size !== rank || perm.some((p) => !(p >= 0 && p < rank))) {
    ctx.fail(`perm [${perm.join(',')}] is not a permutation of the ${rank} axes`, 'E_SHAPE_MISMATCH');
  }
  return perm;
}

const Transpose = defineOp({
  attrs: { perm: attr.ints() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return [tensorType(x.dtype, ctx.attrs.perm ? freshDims(ctx.attrs.perm.length) : undefined)];
    const perm = permOf(ctx, x.shape.length);
    return [tensorType(x.dtype, perm.map((p) => x.shape![p]!))];
  },
  params: (ctx): TransposeParams => {
    const inDims = concrete(ctx.shape(0));
    return { perm: permOf(ctx, inDims.length), inDims };
  },
});

export interface ShapeParams { readonly values: readonly number[] }

function shapeRange(ctx: OpContext<{ start: number; end: number | undefined }>, rank: number): [number, number] {
  if (ctx.opset < 15) return [0, rank];
  const norm = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const s = norm(ctx.attrs.start);
  const e = norm(ctx.attrs.end ?? rank);
  return [s, Math.max(s, e)];
}

const Shape = defineOp({
  attrs: { start: attr.int(0), end: attr.int() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return [tensorType('int64', [freshDim()])];
    const [s, e] = shapeRange(ctx, x.shape.length);
    return [tensorType('int64', [e - s])];
  },
  params: (ctx): ShapeParams => {
    const dims = concrete(ctx.shape(0));
    const [s, e] = shapeRange(ctx, dims.length);
    return { values: dims.slice(s, e) };
  },
});

export interface SizeParams { readonly size: number }
const Size = defineOp({
  infer: (ctx) => {
    ctx.tensor(0);
    return [tensorType('int64', [])];
  },
  params: (ctx): SizeParams => ({ size: concrete(ctx.shape(0)).reduce((a, b) => a * b, 1) }),
});

export interface SpaceDepthParams { readonly blocksize: number; readonly crd: boolean; readonly inDims: readonly number[] }

const DepthToSpace = defineOp({
  attrs: { blocksize: attr.required.int(), mode: attr.string('DCR') },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const b = ctx.attrs.blocksize;
    if (!(b >= 1)) ctx.fail(`blocksize must be >= 1, got ${b}`);
    if (ctx.attrs.mode !== 'DCR' && ctx.attrs.mode !== 'CRD') ctx.fail(`mode must be DCR or CRD, got '${ctx.attrs.mode}'`);
    if (!x.shape) return [tensorType(x.dtype, freshDims(4))];
    if (x.shape.length !== 4) ctx.fail(`input must be 4-D, got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    const [n, c, h, w] = x.shape as [Dim, Dim, Dim, Dim];
    if (typeof c === 'number' && c % (b * b) !== 0) ctx.fail(`channels ${c} are not a multiple of blocksize² ${b * b}`, 'E_SHAPE_MISMATCH');
    const mul = (d: Dim) => dimMath(d, b, (p, q) => p * q);
    return [tensorType(x.dtype, [n, dimMath(c, b * b, (p, q) => p / q), mul(h), mul(w)])];
  },
  params: (ctx): SpaceDepthParams => ({ blocksize: ctx.attrs.blocksize, crd: ctx.opset >= 11 && ctx.attrs.mode === 'CRD', inDims: concrete(ctx.shape(0)) }),
});

const SpaceToDepth = defineOp({
  attrs: { blocksize: attr.required.int() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const b = ctx.attrs.blocksize;
    if (!(b >= 1)) ctx.fail(`blocksize must be >= 1, got ${b}`);
    if (!x.shape) return [tensorType(x.dtype, freshDims(4))];
    if (x.shape.length !== 4) ctx.fail(`input must be 4-D, got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    const [n, c, h, w] = x.shape as [Dim, Dim, Dim, Dim];
    for (const d of [h, w]) if (typeof d === 'number' && d % b !== 0) ctx.fail(`spatial dim ${d} is not a multiple of blocksize ${b}`, 'E_SHAPE_MISMATCH');
    const div = (d: Dim) => dimMath(d, b, (p, q) => p / q);
    return [tensorType(x.dtype, [n, dimMath(c, b * b, (p, q) => p * q), div(h), div(w)])];
  },
  params: (ctx): SpaceDepthParams => ({ blocksize: ctx.attrs.blocksize, crd: false, inDims: concrete(ctx.shape(0)) }),
});

export const layoutOps = {
  Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Shape, Size, DepthToSpace, SpaceToDepth,
};
