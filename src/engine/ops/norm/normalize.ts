/**
 * Schemas: BatchNormalization, InstanceNormalization, GroupNormalization, LayerNormalization,
 * RMSNormalization, LpNormalization, MeanVarianceNormalization, LRN.
 */
import { DTYPES, dtypeFromOnnx, type DType } from '../../ir/dtype.js';
import { tensorType, type Dim, type TensorType, type ValueType } from '../../ir/types.js';
import { splitAt, type AxisSplit } from '../reduce/scan.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, normAxes, normAxis, product } from '../shape-utils.js';
import { requireFloat } from './softmax.js';

/** Fails unless input `i` (when its shape is known) holds `want` elements. */
function requireSize(ctx: OpContext<unknown>, i: number, want: number, what: string): void {
  const s = ctx.shape(i);
  const got = concrete(s).reduce((a, b) => a * b, 1);
  if (got !== want) ctx.fail(`${what} has ${got} elements ([${s.join(',')}]), expected ${want}`, 'E_SHAPE_MISMATCH');
}

/** Fails unless input `i` can broadcast (numpy rules, one way) to `to`. */
function requireBroadcastsTo(ctx: OpContext<unknown>, i: number, to: readonly Dim[], what: string): void {
  const t = ctx.tensor(i);
  if (!t.shape) return;
  const off = to.length - t.shape.length;
  const ok = off >= 0 && t.shape.every((d, k) => d === 1 || typeof d !== 'number' || typeof to[off + k] !== 'number' || d === to[off + k]);
  if (!ok) ctx.fail(`${what} of shape [${t.shape.join(',')}] does not broadcast to [${to.join(',')}]`, 'E_SHAPE_MISMATCH');
}

/** [N, C, D1…]: rank at least 2. */
function requireNC(ctx: OpContext<unknown>, t: TensorType): void {
  if (t.shape && t.shape.length < 2) ctx.fail(`input must be [N, C, …], got rank ${t.shape.length}`, 'E_SHAPE_MISMATCH');
}

// ---------------------------------------------------------------- BatchNormalization

export interface BatchNormParams {
  readonly n: number;
  readonly c: number;
  readonly spatial: number;
  /** spatial = 0 (before opset 9): one scale/bias/mean/var per C×D1×… activation, not per channel. */
  readonly perActivation: boolean;
  readonly epsilon: number;
  readonly momentum: number;
  /** Statistics of this batch normalise it, and running statistics come out. */
  readonly training: boolean;
  /** Opset < 14 in training: outputs Y, mean, var, saved_mean, saved_var; from 14: Y, running_mean, running_var. */
  readonly savedStats: boolean;
}

interface BatchNormAttrs { readonly training_mode: number }

function bnTraining(ctx: OpContext<BatchNormAttrs>): boolean {
  if (ctx.opset >= 14) {
    const training = ctx.attrs.training_mode !== 0;
    if (!training && ctx.numOutputs > 1) ctx.fail('running_mean and running_var are outputs only with training_mode = 1');
    return training;
  }
  // Before opset 14 the outputs say the mode: Y alone is inference, Y + statistics is training.
  return ctx.numOutputs > 1;
}

const BatchNormalization = defineOp({
  attrs: { epsilon: attr.float(1e-5), momentum: attr.float(0.9), training_mode: attr.int(0), spatial: attr.int(1) },
  inputs: [5, 5],
  outputs: [1, 5],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    requireNC(ctx, x);
    const out: ValueType[] = [x];
    if (bnTraining(ctx)) {
      const stats = ctx.opset >= 14 ? 2 : 4;
      if (ctx.numOutputs > stats + 1) ctx.fail(`has ${ctx.numOutputs} outputs, at most ${stats + 1} in opset ${ctx.opset}`);
      const mean = ctx.tensor(3);
      const v = ctx.tensor(4);
      out.push(mean, v, mean, v);
    }
    return out.slice(0, Math.max(1, ctx.numOutputs));
  },
  params: (ctx): BatchNormParams => {
    const dims = concrete(ctx.shape(0));
    const perActivation = ctx.opset < 9 && ctx.attrs.spatial === 0;
    const c = dims[1]!;
    const spatial = product(dims, 2);
    const size = perActivation ? c * spatial : c;
    (['scale', 'B', 'mean', 'var'] as const).forEach((what, k) => requireSize(ctx, k + 1, size, what));
    return {
      n: dims[0]!, c, spatial, perActivation, epsilon: ctx.attrs.epsilon, momentum: ctx.attrs.momentum,
      training: bnTraining(ctx), savedStats: ctx.opset < 14,
    };
  },
});

// ---------------------------------------------------------------- InstanceNormalization / GroupNormalization

export interface GroupNormParams {
  readonly n: number;
  readonly c: number;
  /** Channels are split into `groups` groups of c / groups; InstanceNormalization has one per channel. */
  readonly groups: number;
  readonly spatial: number;
  readonly epsilon: number;
  /** scale/bias per channel (InstanceNormalization, GroupNormalization-21) or per group (GroupNormalization-18). */
  readonly perChannel: boolean;
}

const InstanceNormalization = defineOp({
  attrs: { epsilon: attr.float(1e-5) },
  inputs: [3, 3],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    requireNC(ctx, x);
    return [x];
  },
  params: (ctx): GroupNormParams => {
    const dims = concrete(ctx.shape(0));
    const c = dims[1]!;
    requireSize(ctx, 1, c, 'scale');
    requireSize(ctx, 2, c, 'B');
    return { n: dims[0]!, c, groups: c, spatial: product(dims, 2), epsilon: ctx.attrs.epsilon, perChannel: true };
  },
});

const GroupNormalization = defineOp({
  since: 18,
  attrs: { epsilon: attr.float(1e-5), num_groups: attr.required.int(), stash_type: attr.int(1) },
  inputs: [3, 3],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    requireNC(ctx, x);
    const g = ctx.attrs.num_groups;
    if (g <= 0) ctx.fail(`num_groups must be positive, got ${g}`);
    const c = x.shape?.[1];
    if (typeof c === 'number' && c % g !== 0) ctx.fail(`${c} channels do not split into ${g} groups`, 'E_SHAPE_MISMATCH');
    return [x];
  },
  params: (ctx): GroupNormParams => {
    const dims = concrete(ctx.shape(0));
    const c = dims[1]!;
    const groups = ctx.attrs.num_groups;
    // Opset 18: one scale/bias per group; from 21: one per channel.
    const perChannel = ctx.opset >= 21;
    requireSize(ctx, 1, perChannel ? c : groups, 'scale');
    requireSize(ctx, 2, perChannel ? c : groups, 'bias');
    return { n: dims[0]!, c, groups, spatial: product(dims, 2), epsilon: ctx.attrs.epsilon, perChannel };
  },
});

// ---------------------------------------------------------------- LayerNormalization / RMSNormalization

export interface LayerNormParams {
  /** Rows normalised independently, and elements per row (dims from `axis` on). */
  readonly outer: number;
  readonly inner: number;
  readonly epsilon: number;
  readonly xDims: readonly number[];
  /** LayerNormalization's Mean and InvStdDev outputs: stash_type, X's dims with 1 from `axis` on. */
  readonly statsType: DType;
  readonly statsDims: readonly number[];
}

function stashType(ctx: OpContext<{ readonly stash_type: number }>): DType {
  const t = dtypeFromOnnx(ctx.attrs.stash_type);
  if (!t || DTYPES[t].kind !== 'float') ctx.fail(`stash_type ${ctx.attrs.stash_type} is not a float type`, 'E_TYPE_UNSUPPORTED');
  return t;
}

const rowNormOp = (since: number, layer: boolean) => defineOp({
  since,
  attrs: { axis: attr.int(-1), epsilon: attr.float(1e-5), stash_type: attr.int(1) },
  inputs: layer ? [2, 3] : [2, 2],
  outputs: layer ? [1, 3] : [1, 1],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    const stash = stashType(ctx);
    if (!x.shape) return layer ? [x, tensorType(stash), tensorType(stash)] : [x];
    const a = normAxis(ctx, ctx.attrs.axis, x.shape.length);
    requireBroadcastsTo(ctx, 1, x.shape, 'scale');
    if (layer && ctx.has(2)) requireBroadcastsTo(ctx, 2, x.shape, 'bias');
    const stats = tensorType(stash, x.shape.map((d, i) => (i < a ? d : 1)));
    return layer ? [x, stats, stats] : [x];
  },
  params: (ctx): LayerNormParams => {
    const dims = concrete(ctx.shape(0));
    const a = normAxis(ctx, ctx.attrs.axis, dims.length);
    return {
      outer: product(dims, 0, a), inner: product(dims, a), epsilon: ctx.attrs.epsilon, xDims: dims,
      statsType: stashType(ctx), statsDims: dims.map((d, i) => (i < a ? d : 1)),
    };
  },
});

// ---------------------------------------------------------------- LpNormalization / MeanVarianceNormalization / LRN

export interface LpNormParams extends AxisSplit { readonly p: 1 | 2 }

const LpNormalization = defineOp({
  attrs: { axis: attr.int(-1), p: attr.int(2) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    if (ctx.attrs.p !== 1 && ctx.attrs.p !== 2) ctx.fail(`p must be 1 or 2, got ${ctx.attrs.p}`);
    if (x.shape) normAxis(ctx, ctx.attrs.axis, x.shape.length);
    return [x];
  },
  params: (ctx): LpNormParams => {
    const dims = concrete(ctx.shape(0));
    return { ...splitAt(dims, normAxis(ctx, ctx.attrs.axis, dims.length)), p: ctx.attrs.p as 1 | 2 };
  },
});

export interface MvnParams {
  readonly inDims: readonly number[];
  /** Normalised, sorted axes the mean and variance run over. */
  readonly axes: readonly number[];
}

const MeanVarianceNormalization = defineOp({
  since: 9,
  attrs: { axes: attr.ints([0, 2, 3]) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    if (x.shape) normAxes(ctx, ctx.attrs.axes, x.shape.length);
    return [x];
  },
  params: (ctx): MvnParams => {
    const dims = concrete(ctx.shape(0));
    return { inDims: dims, axes: normAxes(ctx, ctx.attrs.axes, dims.length).sort((a, b) => a - b) };
  },
});

export interface LrnParams {
  readonly n: number;
  readonly c: number;
  readonly spatial: number;
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly bias: number;
}

const LRN = defineOp({
  attrs: { alpha: attr.float(1e-4), beta: attr.float(0.75), bias: attr.float(1), size: attr.required.int() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    requireFloat(ctx, x);
    requireNC(ctx, x);
    if (ctx.attrs.size < 1) ctx.fail(`size must be at least 1, got ${ctx.attrs.size}`);
    return [x];
  },
  params: (ctx): LrnParams => {
    const dims = concrete(ctx.shape(0));
    const { alpha, beta, bias, size } = ctx.attrs;
    return { n: dims[0]!, c: dims[1]!, spatial: product(dims, 2), size, alpha, beta, bias };
  },
});

export const normalizeOps = {
  BatchNormalization,
  InstanceNormalization,
  GroupNormalization,
  LayerNormalization: rowNormOp(17, true),
  RMSNormalization: rowNormOp(23, false),
  LpNormalization,
  MeanVarianceNormalization,
  LRN,
};
