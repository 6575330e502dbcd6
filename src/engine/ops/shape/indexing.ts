/**
 * Schemas of the indexing ops: Gather, GatherElements, GatherND, Scatter, ScatterElements, ScatterND,
 * TensorScatter, Compress, NonZero, Unique, ReverseSequence.
 */
import { toNumbers } from '../../elements.js';
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, normAxis } from '../shape-utils.js';
import { isNumeric, requireIndexType, sameDim } from './common.js';

export interface GatherParams { readonly axis: number }

const Gather = defineOp({
  attrs: { axis: attr.int(0) },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const ind = ctx.tensor(1);
    requireIndexType(ctx, 1, 'indices');
    if (!x.shape || !ind.shape) return [tensorType(x.dtype)];
    if (x.shape.length === 0) ctx.fail(`cannot gather from a scalar`, 'E_SHAPE_MISMATCH');
    const axis = normAxis(ctx, ctx.attrs.axis, x.shape.length);
    return [tensorType(x.dtype, [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)])];
  },
  params: (ctx): GatherParams => ({ axis: normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length) }),
});

const GatherElements = defineOp({
  since: 11,
  attrs: { axis: attr.int(0) },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const ind = ctx.tensor(1);
    requireIndexType(ctx, 1, 'indices');
    if (x.shape && ind.shape) {
      if (x.shape.length !== ind.shape.length) ctx.fail(`data and indices must have the same rank, got ${x.shape.length} and ${ind.shape.length}`, 'E_SHAPE_MISMATCH');
      normAxis(ctx, ctx.attrs.axis, x.shape.length);
    }
    return [tensorType(x.dtype, ind.shape)];
  },
  params: (ctx): GatherParams => ({ axis: normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length) }),
});

export interface GatherNDParams { readonly batchDims: number }

const GatherND = defineOp({
  since: 11,
  attrs: { batch_dims: attr.int(0) },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const ind = ctx.tensor(1);
    if (ind.dtype !== 'int64') ctx.fail(`indices must be int64, got ${ind.dtype}`, 'E_TYPE_UNSUPPORTED');
    const b = ctx.attrs.batch_dims;
    if (!x.shape || !ind.shape) return [tensorType(x.dtype)];
    const r = x.shape.length;
    const q = ind.shape.length;
    if (q < 1 || r < 1) ctx.fail(`data and indices must have rank >= 1`, 'E_SHAPE_MISMATCH');
    if (b < 0 || b >= Math.min(q, r)) ctx.fail(`batch_dims ${b} must be in [0, ${Math.min(q, r)})`);
    for (let i = 0; i < b; i++) sameDim(ctx, x.shape[i]!, ind.shape[i]!, () => `batch dim ${i} differs between data and indices`);
    const m = ind.shape[q - 1]!;
    if (typeof m !== 'number') return [tensorType(x.dtype)];
    if (m < 1 || m > r - b) ctx.fail(`indices' last dim ${m} must be in [1, ${r - b}]`, 'E_SHAPE_MISMATCH');
    return [tensorType(x.dtype, [...ind.shape.slice(0, q - 1), ...x.shape.slice(b + m)])];
  },
  params: (ctx): GatherNDParams => ({ batchDims: ctx.attrs.batch_dims }),
});

export type Reduction = 'none' | 'add' | 'mul' | 'max' | 'min';
export interface ScatterParams { readonly axis: number; readonly reduction: Reduction }

function reductionOf(ctx: OpContext<{ reduction: string }>, dtype: string): Reduction {
  const r = ctx.attrs.reduction;
  const allowed = ctx.opset >= 18 ? ['none', 'add', 'mul', 'max', 'min'] : ctx.opset >= 16 ? ['none', 'add', 'mul'] : ['none'];
  if (!allowed.includes(r)) ctx.fail(`reduction '${r}' is not supported at opset ${ctx.opset}`);
  if (r !== 'none' && !isNumeric(dtype)) ctx.fail(`reduction '${r}' needs a numeric type, got ${dtype}`, 'E_TYPE_UNSUPPORTED');
  return r as Reduction;
}

function scatterElementsOp(since: number, until?: number) {
  return defineOp({
    since,
    until,
    attrs: { axis: attr.int(0), reduction: attr.string('none') },
    inputs: [3, 3],
    infer: (ctx) => {
      const x = ctx.tensor(0);
      const ind = ctx.tensor(1);
      const upd = ctx.tensor(2);
      requireIndexType(ctx, 1, 'indices');
      if (upd.dtype !== x.dtype) ctx.fail(`updates must have the data's type ${x.dtype}, got ${upd.dtype}`, 'E_TYPE_UNSUPPORTED');
      reductionOf(ctx, x.dtype);
      if (x.shape && ind.shape) {
        if (x.shape.length !== ind.shape.length) ctx.fail(`data and indices must have the same rank`, 'E_SHAPE_MISMATCH');
        normAxis(ctx, ctx.attrs.axis, x.shape.length);
      }
      if (ind.shape && upd.shape) {
        if (ind.shape.length !== upd.shape.length) ctx.fail(`indices and updates must have the same shape`, 'E_SHAPE_MISMATCH');
        ind.shape.forEach((d, i) => sameDim(ctx, d, upd.shape![i]!, () => `indices and updates must have the same shape`));
      }
      return [x];
    },
    params: (ctx): ScatterParams => ({ axis: normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length), reduction: reductionOf(ctx, ctx.tensor(0).dtype) }),
  });
}

const ScatterND = defineOp({
  since: 11,
  attrs: { reduction: attr.string('none') },
  inputs: [3, 3],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const ind = ctx.tensor(1);
    const upd = ctx.tensor(2);
    if (ind.dtype !== 'int64') ctx.fail(`indices must be int64, got ${ind.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (upd.dtype !== x.dtype) ctx.fail(`updates must have the data's type ${x.dtype}, got ${upd.dtype}`, 'E_TYPE_UNSUPPORTED');
    reductionOf(ctx, x.dtype);
    if (x.shape && ind.shape && upd.shape) {
      const q = ind.shape.length;
      const m = ind.shape[q - 1];
      if (q < 1) ctx.fail(`indices must have rank >= 1`, 'E_SHAPE_MISMATCH');
      if (typeof m === 'number') {
        if (m > x.shape.length) ctx.fail(`indices' last dim ${m} exceeds the data rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
        const want = [...ind.shape.slice(0, q - 1), ...x.shape.slice(m)];
        if (want.length !== upd.shape.length) ctx.fail(`updates must have shape [${want.join(',')}], got [${upd.shape.join(',')}]`, 'E_SHAPE_MISMATCH');
        want.forEach((d, i) => sameDim(ctx, d, upd.shape![i]!, () => `updates must have shape [${want.join(',')}], got [${upd.shape!.join(',')}]`));
      }
    }
    return [x];
  },
  params: (ctx): ScatterParams => ({ axis: 0, reduction: reductionOf(ctx, ctx.tensor(0).dtype) }),
});

export interface TensorScatterParams { readonly axis: number; readonly circular: boolean }

const TensorScatter = defineOp({
  since: 24,
  attrs: { axis: attr.int(-2), mode: attr.string('linear') },
  inputs: [2, 3],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const upd = ctx.tensor(1);
    if (upd.dtype !== x.dtype) ctx.fail(`update must have the cache's type ${x.dtype}, got ${upd.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.attrs.mode !== 'linear' && ctx.attrs.mode !== 'circular') ctx.fail(`mode must be linear or circular, got '${ctx.attrs.mode}'`);
    if (ctx.has(2) && ctx.tensor(2).dtype !== 'int64') ctx.fail(`write_indices must be int64`, 'E_TYPE_UNSUPPORTED');
    if (x.shape && upd.shape) {
      if (x.shape.length !== upd.shape.length) ctx.fail(`past_cache and update must have the same rank`, 'E_SHAPE_MISMATCH');
      if (x.shape.length < 2) ctx.fail(`past_cache must have rank >= 2`, 'E_SHAPE_MISMATCH');
      const axis = normAxis(ctx, ctx.attrs.axis, x.shape.length);
      if (axis === 0) ctx.fail(`axis cannot be the batch axis`);
      x.shape.forEach((d, i) => {
        const u = upd.shape![i]!;
        if (i !== axis) sameDim(ctx, d, u, () => `update dims must match past_cache except on axis ${axis}`);
        else if (typeof d === 'number' && typeof u === 'number' && u > d) ctx.fail(`update's sequence length ${u} exceeds the cache's ${d}`, 'E_SHAPE_MISMATCH');
      });
    }
    return [x];
  },
  params: (ctx): TensorScatterParams => ({ axis: normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length), circular: ctx.attrs.mode === 'circular' }),
});

export interface CompressParams { readonly axis: number | undefined }

/** Number of selected slices when the condition is known (always at run time). */
function compressCount(ctx: OpContext<unknown>): number | undefined {
  const c = ctx.value(1);
  if (!c) return undefined;
  let n = 0;
  for (const v of toNumbers(c)) if (v !== 0) n++;
  return n;
}

const Compress = defineOp({
  since: 9,
  attrs: { axis: attr.int() },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const c = ctx.tensor(1);
    if (c.dtype !== 'bool') ctx.fail(`condition must be bool, got ${c.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (c.shape && c.shape.length !== 1) ctx.fail(`condition must be 1-D`, 'E_SHAPE_MISMATCH');
    const count: Dim = compressCount(ctx) ?? freshDim();
    if (ctx.attrs.axis === undefined) return [tensorType(x.dtype, [count])];
    if (!x.shape) return [tensorType(x.dtype)];
    const axis = normAxis(ctx, ctx.attrs.axis, x.shape.length);
    return [tensorType(x.dtype, x.shape.map((d, i) => (i === axis ? count : d)))];
  },
  params: (ctx): CompressParams => ({ axis: ctx.attrs.axis === undefined ? undefined : normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length) }),
});

const NonZero = defineOp({
  since: 9,
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!isNumeric(x.dtype)) ctx.fail(`NonZero does not take ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    const v = ctx.value(0);
    let count: Dim = freshDim();
    if (v) {
      count = 0;
      for (const e of toNumbers(v)) if (e !== 0) count++;
    }
    return [tensorType('int64', [x.shape ? x.shape.length : freshDim(), count])];
  },
  params: () => ({}),
});

export interface UniqueParams { readonly sorted: boolean; readonly axis: number | undefined }

const Unique = defineOp({
  since: 11,
  attrs: { sorted: attr.int(1), axis: attr.int() },
  outputs: [1, 4],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const k = freshDim();
    let y: Dim[] | undefined = [k];
    let n: Dim = freshDim();
    if (ctx.attrs.axis !== undefined) {
      y = undefined;
      if (x.shape) {
        const axis = normAxis(ctx, ctx.attrs.axis, x.shape.length);
        y = x.shape.map((d, i) => (i === axis ? k : d));
        n = x.shape[axis]!;
      }
    } else if (x.shape) {
      n = x.shape.reduce<Dim>((a, d) => (typeof a === 'number' && typeof d === 'number' ? a * d : freshDim()), 1);
    }
    return [tensorType(x.dtype, y), tensorType('int64', [k]), tensorType('int64', [n]), tensorType('int64', [k])];
  },
  params: (ctx): UniqueParams => ({
    sorted: ctx.attrs.sorted !== 0,
    axis: ctx.attrs.axis === undefined ? undefined : normAxis(ctx, ctx.attrs.axis, ctx.shape(0).length),
  }),
});

export interface ReverseSequenceParams { readonly batchAxis: number; readonly timeAxis: number; readonly dims: readonly number[] }

const ReverseSequence = defineOp({
  since: 10,
  attrs: { batch_axis: attr.int(1), time_axis: attr.int(0) },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const lens = ctx.tensor(1);
    if (lens.dtype !== 'int64') ctx.fail(`sequence_lens must be int64, got ${lens.dtype}`, 'E_TYPE_UNSUPPORTED');
    const { batch_axis: b, time_axis: t } = ctx.attrs;
    if (!((b === 0 && t === 1) || (b === 1 && t === 0))) ctx.fail(`batch_axis and time_axis must be 0 and 1 in some order, got ${b} and ${t}`);
    if (x.shape && x.shape.length < 2) ctx.fail(`input must have rank >= 2`, 'E_SHAPE_MISMATCH');
    if (x.shape && lens.shape) {
      if (lens.shape.length !== 1) ctx.fail(`sequence_lens must be 1-D`, 'E_SHAPE_MISMATCH');
      sameDim(ctx, x.shape[b]!, lens.shape[0]!, () => `sequence_lens must have one entry per batch`);
    }
    return [x];
  },
  params: (ctx): ReverseSequenceParams => ({ batchAxis: ctx.attrs.batch_axis, timeAxis: ctx.attrs.time_axis, dims: concrete(ctx.shape(0)) }),
});

export const indexingOps = {
  Gather, GatherElements, GatherND,
  Scatter: scatterElementsOp(9, 10),
  ScatterElements: scatterElementsOp(11),
  ScatterND, TensorScatter, Compress, NonZero, Unique, ReverseSequence,
};
