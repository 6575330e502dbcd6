/** Schemas: Softmax, LogSoftmax, Hardmax and the two losses built on them (SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss). */
import { DTYPES } from '../../ir/dtype.js';
import { tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { splitAt, type AxisSplit } from '../reduce/scan.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, normAxis, product } from '../shape-utils.js';

/** Fails unless the input is a float tensor (any float width). */
export function requireFloat(ctx: OpContext<unknown>, t: TensorType): void {
  if (DTYPES[t.dtype].kind !== 'float') ctx.fail(`input must be a float tensor, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
}

/** Softmax-like ops see the input as [outer, n, inner]: n the axis (or, before opset 13, everything from `axis` on). */
export type SoftmaxParams = AxisSplit;

/** The axis, in [0, rank) — or [0, rank] before opset 13, where `axis` splits the 2-D coercion and may sit past the end. */
function softmaxAxis(ctx: OpContext<{ readonly axis: number }>, rank: number): number {
  const axis = ctx.attrs.axis;
  if (ctx.opset < 13 && axis === rank) return rank;
  return normAxis(ctx, axis, rank);
}

const softmaxOp = () => defineOp({
  attrs: { axis: attr.int((opset) => (opset < 13 ? 1 : -1)) },
  infer: (ctx) => {
    const t = ctx.tensor(0);
    requireFloat(ctx, t);
    if (t.shape) softmaxAxis(ctx, t.shape.length);
    return [t];
  },
  params: (ctx): SoftmaxParams => {
    const dims = concrete(ctx.shape(0));
    if (ctx.opset < 13) {
      // Coerced to 2-D: [d0 * … * d(axis-1), d(axis) * … * d(r-1)].
      const a = softmaxAxis(ctx, dims.length);
      return { outer: product(dims, 0, a), n: product(dims, a), inner: 1 };
    }
    return splitAt(dims, normAxis(ctx, ctx.attrs.axis, dims.length));
  },
});

// ---------------------------------------------------------------- losses

export type Reduction = 'none' | 'sum' | 'mean';

export interface LossParams {
  /** Batch size, classes, and the product of the extra dims D1…Dk. */
  readonly n: number;
  readonly c: number;
  readonly inner: number;
  readonly reduction: Reduction;
  readonly ignoreIndex: number | undefined;
}

interface LossAttrs { readonly ignore_index: number | undefined; readonly reduction: string }

function lossTypes(ctx: OpContext<LossAttrs>): { x: TensorType; loss: TensorType } {
  const x = ctx.tensor(0);
  requireFloat(ctx, x);
  const labels = ctx.tensor(1);
  if (labels.dtype !== 'int64' && labels.dtype !== 'int32') ctx.fail(`labels must be int32 or int64, got ${labels.dtype}`, 'E_TYPE_UNSUPPORTED');
  const r = ctx.attrs.reduction;
  if (r !== 'none' && r !== 'sum' && r !== 'mean') ctx.fail(`reduction must be 'none', 'sum' or 'mean', got '${r}'`);
  if (ctx.has(2)) {
    const w = ctx.tensor(2);
    if (w.dtype !== x.dtype) ctx.fail(`weights must be ${x.dtype} like the scores, got ${w.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (w.shape && w.shape.length !== 1) ctx.fail(`weights must be 1-D, got rank ${w.shape.length}`, 'E_SHAPE_MISMATCH');
    const c = x.shape?.[1];
    const wc = w.shape?.[0];
    if (typeof c === 'number' && typeof wc === 'number' && c !== wc) ctx.fail(`weights have ${wc} entries for ${c} classes`, 'E_SHAPE_MISMATCH');
  }
  if (!x.shape) return { x, loss: tensorType(x.dtype, r === 'none' ? undefined : []) };
  if (x.shape.length < 2) ctx.fail(`scores must be [N, C, …], got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
  const want: Dim[] = [x.shape[0]!, ...x.shape.slice(2)];
  if (labels.shape) {
    const ok = labels.shape.length === want.length
      && labels.shape.every((d, i) => typeof d !== 'number' || typeof want[i] !== 'number' || d === want[i]);
    if (!ok) ctx.fail(`labels of shape [${labels.shape.join(',')}] do not fit scores [${x.shape.join(',')}]`, 'E_SHAPE_MISMATCH');
  }
  return { x, loss: tensorType(x.dtype, r === 'none' ? want : []) };
}

const lossOp = (withLogProb: boolean) => defineOp({
  since: 12,
  attrs: { ignore_index: attr.int(), reduction: attr.string('mean') },
  inputs: [2, 3],
  outputs: [1, withLogProb ? 2 : 1],
  infer: (ctx) => {
    const { x, loss } = lossTypes(ctx);
    return withLogProb ? [loss, x] : [loss];
  },
  params: (ctx): LossParams => {
    const dims = concrete(ctx.shape(0));
    return { n: dims[0]!, c: dims[1]!, inner: product(dims, 2), reduction: ctx.attrs.reduction as Reduction, ignoreIndex: ctx.attrs.ignore_index };
  },
});

export const softmaxOps = {
  Softmax: softmaxOp(),
  LogSoftmax: softmaxOp(),
  Hardmax: softmaxOp(),
  SoftmaxCrossEntropyLoss: lossOp(true),
  NegativeLogLikelihoodLoss: lossOp(false),
};
