/**
 * Random generators. Marked nondeterministic (never constant-folded). With a `seed` attribute every run
 * draws the same values; without one, each run draws fresh ones.
 */
import { isFloat, type DType } from '../../ir/dtype.js';
import { tensorType } from '../../ir/types.js';
import { dtypeAttr } from '../sequence.js';
import { concrete } from '../shape-utils.js';
import { attr, defineOp, type OpContext } from '../schema.js';

export interface RandomParams {
  readonly dtype: DType;
  readonly dims: readonly number[];
  /** Normal: mean and scale; uniform: low and high. */
  readonly a: number;
  readonly b: number;
  readonly seed: number | undefined;
}

function floatType(ctx: OpContext<unknown>, t: DType, what: string): DType {
  if (!isFloat(t)) ctx.fail(`${what} must be a float type, got ${t}`, 'E_TYPE_UNSUPPORTED');
  return t;
}

const generator = (kind: 'normal' | 'uniform') => defineOp({
  inputs: [0, 0],
  nondeterministic: true,
  attrs: {
    dtype: attr.int(1), shape: attr.required.ints(), seed: attr.float(),
    mean: attr.float(0), scale: attr.float(1), low: attr.float(0), high: attr.float(1),
  },
  infer: (ctx) => {
    for (const d of ctx.attrs.shape) if (!Number.isInteger(d) || d < 0) ctx.fail(`shape [${ctx.attrs.shape.join(',')}] has a bad size`);
    return [tensorType(floatType(ctx, dtypeAttr(ctx, ctx.attrs.dtype, 'dtype'), 'dtype'), ctx.attrs.shape)];
  },
  params: (ctx): RandomParams => ({
    dtype: dtypeAttr(ctx, ctx.attrs.dtype, 'dtype'), dims: ctx.attrs.shape, seed: ctx.attrs.seed,
    a: kind === 'normal' ? ctx.attrs.mean : ctx.attrs.low, b: kind === 'normal' ? ctx.attrs.scale : ctx.attrs.high,
  }),
});

const generatorLike = (kind: 'normal' | 'uniform') => defineOp({
  nondeterministic: true,
  attrs: { dtype: attr.int(), seed: attr.float(), mean: attr.float(0), scale: attr.float(1), low: attr.float(0), high: attr.float(1) },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const dtype = ctx.attrs.dtype === undefined ? x.dtype : dtypeAttr(ctx, ctx.attrs.dtype, 'dtype');
    return [tensorType(floatType(ctx, dtype, 'the output type'), x.shape)];
  },
  params: (ctx): RandomParams => ({
    dtype: ctx.attrs.dtype === undefined ? ctx.tensor(0).dtype : dtypeAttr(ctx, ctx.attrs.dtype, 'dtype'),
    dims: concrete(ctx.shape(0)), seed: ctx.attrs.seed,
    a: kind === 'normal' ? ctx.attrs.mean : ctx.attrs.low, b: kind === 'normal' ? ctx.attrs.scale : ctx.attrs.high,
  }),
});

export interface BernoulliParams { readonly dtype: DType; readonly seed: number | undefined }

const Bernoulli = defineOp({
  since: 15,
  nondeterministic: true,
  attrs: { dtype: attr.int(), seed: attr.float() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    floatType(ctx, x.dtype, 'input');
    return [tensorType(ctx.attrs.dtype === undefined ? x.dtype : dtypeAttr(ctx, ctx.attrs.dtype, 'dtype'), x.shape)];
  },
  params: (ctx): BernoulliParams => ({ dtype: ctx.attrs.dtype === undefined ? ctx.tensor(0).dtype : dtypeAttr(ctx, ctx.attrs.dtype, 'dtype'), seed: ctx.attrs.seed }),
});

export interface MultinomialParams { readonly dtype: DType; readonly batch: number; readonly classes: number; readonly samples: number; readonly seed: number | undefined }

const Multinomial = defineOp({
  since: 7,
  nondeterministic: true,
  attrs: { dtype: attr.int(6), sample_size: attr.int(1), seed: attr.float() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    floatType(ctx, x.dtype, 'input');
    const dtype = dtypeAttr(ctx, ctx.attrs.dtype, 'dtype');
    if (dtype !== 'int32' && dtype !== 'int64') ctx.fail(`dtype must be int32 or int64, got ${dtype}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.attrs.sample_size < 0) ctx.fail(`sample_size must not be negative`);
    if (x.shape && x.shape.length !== 2) ctx.fail(`input must be [batch, classes], got rank ${x.shape.length}`, 'E_SHAPE_MISMATCH');
    return [tensorType(dtype, x.shape ? [x.shape[0]!, ctx.attrs.sample_size] : undefined)];
  },
  params: (ctx): MultinomialParams => {
    const [batch, classes] = concrete(ctx.shape(0));
    return { dtype: dtypeAttr(ctx, ctx.attrs.dtype, 'dtype'), batch: batch!, classes: classes!, samples: ctx.attrs.sample_size, seed: ctx.attrs.seed };
  },
});

export const randomOps = {
  RandomNormal: generator('normal'),
  RandomUniform: generator('uniform'),
  RandomNormalLike: generatorLike('normal'),
  RandomUniformLike: generatorLike('uniform'),
  Bernoulli,
  Multinomial,
};
