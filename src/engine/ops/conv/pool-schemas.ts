/** Pooling schemas: MaxPool, AveragePool, LpPool, the Global pools, MaxUnpool, MaxRoiPool, RoiAlign. */
import { toIntList } from '../../elements.js';
import type { DType } from '../../ir/dtype.js';
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete } from '../shape-utils.js';
import { FLOAT_TYPES, resolveWindow, windowGeometry, windowOutDims, type Geometry, type WindowAttrs } from './geometry.js';

export interface PoolParams {
  readonly batch: number;
  readonly channels: number;
  readonly geo: Geometry;
  /** AveragePool: divide by the whole window (pads included) rather than the input elements in it. */
  readonly countIncludePad: boolean;
  /** LpPool's p. */
  readonly p: number;
  /** MaxPool Indices: 0 row-major, 1 column-major. */
  readonly storageOrder: number;
  /** MaxPool: whether the node asks for Indices. */
  readonly withIndices: boolean;
}

type PoolAttrs = WindowAttrs & { readonly ceil_mode: number };

const MAXPOOL_TYPES = new Set<DType>(['float32', 'float64', 'float16', 'bfloat16', 'int8', 'uint8']);

function poolInfer(ctx: OpContext<PoolAttrs>, types: ReadonlySet<DType>, outputs = 1) {
  const x = ctx.tensor(0);
  if (!types.has(x.dtype)) ctx.fail(`does not take ${x.dtype} input`, 'E_TYPE_UNSUPPORTED');
  const xs = ctx.shape(0);
  if (xs.length < 3) ctx.fail(`X must have rank >= 3 (N, C, spatial…), got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  const win = resolveWindow(ctx, ctx.attrs, xs.length - 2);
  const out = [xs[0]!, xs[1]!, ...windowOutDims(ctx, xs.slice(2), win, ctx.attrs.ceil_mode !== 0)];
  const res = [tensorType(x.dtype, out)];
  if (outputs > 1) res.push(tensorType('int64', out));
  return res;
}

function poolParams(ctx: OpContext<PoolAttrs>, extra: Partial<PoolParams> = {}): PoolParams {
  const xs = concrete(ctx.shape(0));
  const win = resolveWindow(ctx, ctx.attrs, xs.length - 2);
  return {
    batch: xs[0]!, channels: xs[1]!, geo: windowGeometry(ctx, xs.slice(2), win, ctx.attrs.ceil_mode !== 0),
    countIncludePad: false, p: 1, storageOrder: 0, withIndices: false, ...extra,
  };
}

const windowAttrs = {
  auto_pad: attr.string('NOTSET'),
  ceil_mode: attr.int(0),
  dilations: attr.ints(),
  kernel_shape: attr.required.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};

const MaxPool = defineOp({
  attrs: { ...windowAttrs, storage_order: attr.int(0) },
  outputs: [1, 2],
  infer: (ctx) => poolInfer(ctx, MAXPOOL_TYPES, ctx.numOutputs),
  params: (ctx): PoolParams => {
    if (ctx.attrs.storage_order !== 0 && ctx.attrs.storage_order !== 1) ctx.fail(`storage_order must be 0 or 1, got ${ctx.attrs.storage_order}`);
    return poolParams(ctx, { storageOrder: ctx.attrs.storage_order, withIndices: ctx.numOutputs > 1 });
  },
});

const AveragePool = defineOp({
  attrs: { ...windowAttrs, count_include_pad: attr.int(0) },
  infer: (ctx) => poolInfer(ctx, FLOAT_TYPES as ReadonlySet<DType>),
  params: (ctx): PoolParams => poolParams(ctx, { countIncludePad: ctx.attrs.count_include_pad !== 0 }),
});

const LpPool = defineOp({
  attrs: { ...windowAttrs, p: attr.float(2) },
  infer: (ctx) => poolInfer(ctx, FLOAT_TYPES as ReadonlySet<DType>),
  params: (ctx): PoolParams => poolParams(ctx, { p: ctx.attrs.p }),
});

// ---------------------------------------------------------------- global pools

export interface GlobalPoolParams {
  readonly outer: number;
  readonly inner: number;
  readonly p: number;
}

function globalInfer(ctx: OpContext<unknown>, types: ReadonlySet<DType>) {
  const x = ctx.tensor(0);
  if (!types.has(x.dtype)) ctx.fail(`does not take ${x.dtype} input`, 'E_TYPE_UNSUPPORTED');
  const xs = ctx.shape(0);
  if (xs.length < 2) ctx.fail(`X must have rank >= 2, got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  return [tensorType(x.dtype, [xs[0]!, xs[1]!, ...xs.slice(2).map(() => 1)])];
}

function globalParams(ctx: OpContext<unknown>, p = 1): GlobalPoolParams {
  const xs = concrete(ctx.shape(0));
  const inner = xs.slice(2).reduce((a, b) => a * b, 1);
  if (inner === 0) ctx.fail('cannot pool over an empty spatial extent', 'E_SHAPE_MISMATCH');
  return { outer: xs[0]! * xs[1]!, inner, p };
}

const GlobalAveragePool = defineOp({ infer: (ctx) => globalInfer(ctx, FLOAT_TYPES as ReadonlySet<DType>), params: (ctx) => globalParams(ctx) });
const GlobalMaxPool = defineOp({ infer: (ctx) => globalInfer(ctx, MAXPOOL_TYPES), params: (ctx) => globalParams(ctx) });
const GlobalLpPool = defineOp({
  attrs: { p: attr.float(2) },
  infer: (ctx) => globalInfer(ctx, FLOAT_TYPES as ReadonlySet<DType>),
  params: (ctx) => globalParams(ctx, ctx.attrs.p),
});

// ---------------------------------------------------------------- MaxUnpool

export interface MaxUnpoolParams {
  readonly batch: number;
  readonly channels: number;
  /** Spatial dims the indices address (the pooled input's shape inferred from X). */
  readonly innerDims: readonly number[];
  /** Output dims (N, C, spatial…): output_shape when given, else [N, C, ...innerDims]. */
  readonly outDims: readonly number[];
}

type UnpoolAttrs = { readonly kernel_shape: readonly number[]; readonly pads: readonly number[] | undefined; readonly strides: readonly number[] | undefined };

function unpoolInner(ctx: OpContext<UnpoolAttrs>, xs: readonly Dim[]): Dim[] {
  const n = xs.length - 2;
  const win = resolveWindow(ctx, { auto_pad: 'NOTSET', ...ctx.attrs }, n);
  return xs.slice(2).map((d, i) => {
    if (typeof d !== 'number') return freshDim();
    const v = (d - 1) * win.strides[i]! - win.pads[i]! - win.pads[i + n]! + win.kernel[i]!;
    if (v < 0) ctx.fail(`pads exceed the unpooled size on spatial axis ${i}`, 'E_SHAPE_MISMATCH');
    return v;
  });
}

const MaxUnpool = defineOp({
  since: 9,
  attrs: { kernel_shape: attr.required.ints(), pads: attr.ints(), strides: attr.ints() },
  inputs: [2, 3],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!FLOAT_TYPES.has(x.dtype)) ctx.fail(`does not take ${x.dtype} input`, 'E_TYPE_UNSUPPORTED');
    if (ctx.tensor(1).dtype !== 'int64') ctx.fail('I must be int64', 'E_TYPE_UNSUPPORTED');
    const xs = ctx.shape(0);
    if (xs.length < 3) ctx.fail(`X must have rank >= 3, got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
    const is = ctx.shape(1);
    if (is.length !== xs.length || !is.every((d, i) => typeof d !== 'number' || typeof xs[i] !== 'number' || d === xs[i])) {
      ctx.fail(`I must have X's shape [${xs.join(',')}], got [${is.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
    const inner = unpoolInner(ctx, xs);
    if (ctx.has(2)) {
      const v = ctx.value(2);
      if (!v) return [tensorType(x.dtype, xs.map(() => freshDim()))];
      const os = toIntList(v);
      if (os.length !== xs.length) ctx.fail(`output_shape has ${os.length} values, X has rank ${xs.length}`, 'E_SHAPE_MISMATCH');
      return [tensorType(x.dtype, os)];
    }
    return [tensorType(x.dtype, [xs[0]!, xs[1]!, ...inner])];
  },
  params: (ctx): MaxUnpoolParams => {
    const xs = concrete(ctx.shape(0));
    const inner = unpoolInner(ctx, xs) as number[];
    const outDims = ctx.has(2) ? toIntList(ctx.value(2)!) : [xs[0]!, xs[1]!, ...inner];
    if (outDims[0] !== xs[0] || outDims[1] !== xs[1]) ctx.fail(`output_shape [${outDims.join(',')}] must keep N and C of X`, 'E_SHAPE_MISMATCH');
    inner.forEach((d, i) => {
      if (outDims[i + 2]! < d) ctx.fail(`output_shape [${outDims.join(',')}] is smaller than the unpooled size [${inner.join(',')}]`, 'E_SHAPE_MISMATCH');
    });
    return { batch: xs[0]!, channels: xs[1]!, innerDims: inner, outDims };
  },
});

// ---------------------------------------------------------------- RoI pools

export interface RoiParams {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly numRois: number;
  readonly outH: number;
  readonly outW: number;
  readonly spatialScale: number;
  readonly samplingRatio: number;
  readonly mode: 'avg' | 'max';
  readonly halfPixel: boolean;
}

function roiInfer(ctx: OpContext<unknown>, cols: number, outH: number, outW: number) {
  const x = ctx.tensor(0);
  if (!FLOAT_TYPES.has(x.dtype)) ctx.fail(`does not take ${x.dtype} input`, 'E_TYPE_UNSUPPORTED');
  if (ctx.tensor(1).dtype !== x.dtype) ctx.fail(`rois must be ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
  const xs = ctx.shape(0);
  const rs = ctx.shape(1);
  if (xs.length !== 4) ctx.fail(`X must be 4-D (N, C, H, W), got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  if (rs.length !== 2 || (typeof rs[1] === 'number' && rs[1] !== cols)) ctx.fail(`rois must be [num_rois, ${cols}], got [${rs.join(',')}]`, 'E_SHAPE_MISMATCH');
  if (!(Number.isInteger(outH) && outH >= 1 && Number.isInteger(outW) && outW >= 1)) ctx.fail(`output size must be positive, got ${outH}x${outW}`);
  return [tensorType(x.dtype, [rs[0]!, xs[1]!, outH, outW])];
}

function roiParams(ctx: OpContext<unknown>, outH: number, outW: number, rest: Pick<RoiParams, 'spatialScale' | 'samplingRatio' | 'mode' | 'halfPixel'>): RoiParams {
  const xs = concrete(ctx.shape(0));
  return { batch: xs[0]!, channels: xs[1]!, height: xs[2]!, width: xs[3]!, numRois: concrete(ctx.shape(1))[0]!, outH, outW, ...rest };
}

const MaxRoiPool = defineOp({
  attrs: { pooled_shape: attr.required.ints(), spatial_scale: attr.float(1) },
  inputs: [2, 2],
  infer: (ctx) => {
    const ps = ctx.attrs.pooled_shape;
    if (ps.length !== 2) ctx.fail(`pooled_shape must have 2 values, got ${ps.length}`);
    return roiInfer(ctx, 5, ps[0]!, ps[1]!);
  },
  params: (ctx): RoiParams => roiParams(ctx, ctx.attrs.pooled_shape[0]!, ctx.attrs.pooled_shape[1]!, { spatialScale: ctx.attrs.spatial_scale, samplingRatio: 0, mode: 'max', halfPixel: false }),
});

const RoiAlign = defineOp({
  since: 10,
  attrs: {
    coordinate_transformation_mode: attr.string((opset) => (opset < 16 ? 'output_half_pixel' : 'half_pixel')),
    mode: attr.string('avg'), output_height: attr.int(1), output_width: attr.int(1),
    sampling_ratio: attr.int(0), spatial_scale: attr.float(1),
  },
  inputs: [3, 3],
  infer: (ctx) => {
    const bi = ctx.tensor(2);
    if (bi.dtype !== 'int64' && bi.dtype !== 'int32') ctx.fail('batch_indices must be int64', 'E_TYPE_UNSUPPORTED');
    const bs = ctx.shape(2);
    const rs = ctx.shape(1);
    if (bs.length !== 1 || (typeof bs[0] === 'number' && typeof rs[0] === 'number' && bs[0] !== rs[0])) {
      ctx.fail(`batch_indices must be [${rs[0]}], got [${bs.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
    return roiInfer(ctx, 4, ctx.attrs.output_height, ctx.attrs.output_width);
  },
  params: (ctx): RoiParams => {
    const a = ctx.attrs;
    const mode = a.mode.toLowerCase();
    if (mode !== 'avg' && mode !== 'max') ctx.fail(`mode must be 'avg' or 'max', got '${a.mode}'`);
    const ctm = a.coordinate_transformation_mode.toLowerCase();
    if (ctm !== 'half_pixel' && ctm !== 'output_half_pixel') ctx.fail(`coordinate_transformation_mode must be half_pixel or output_half_pixel, got '${ctm}'`);
    if (a.sampling_ratio < 0) ctx.fail(`sampling_ratio must be >= 0, got ${a.sampling_ratio}`);
    return roiParams(ctx, a.output_height, a.output_width, { spatialScale: a.spatial_scale, samplingRatio: a.sampling_ratio, mode: mode as 'avg' | 'max', halfPixel: ctm === 'half_pixel' });
  },
});

export const poolSchemas = { MaxPool, AveragePool, LpPool, GlobalAveragePool, GlobalMaxPool, GlobalLpPool, MaxUnpool, MaxRoiPool, RoiAlign };
