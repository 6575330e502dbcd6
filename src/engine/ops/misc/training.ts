/**
 * ai.onnx.preview.training optimizers: Adagrad, Momentum, Adam. Each takes a learning rate R, a step
 * count T, then n tensors of each of its groups (X, G, and per-optimizer state), and returns the updated
 * tensors group by group.
 */
import { isFloat } from '../../ir/dtype.js';
import { tensorType, type ValueType } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';

const TRAINING = 'ai.onnx.preview.training';

/** Checks R, T and `groups` equal-length groups of same-shaped float tensors; returns n. */
function optimizerInputs(ctx: OpContext<unknown>, groups: number, outGroups: number): number {
  const rest = ctx.inputs.length - 2;
  if (rest <= 0 || rest % groups !== 0) ctx.fail(`expected R, T and ${groups} groups of tensors, got ${ctx.inputs.length} inputs`);
  const n = rest / groups;
  if (ctx.numOutputs !== n * outGroups) ctx.fail(`expected ${n * outGroups} outputs, the node has ${ctx.numOutputs}`);
  const r = ctx.tensor(0);
  if (!isFloat(r.dtype)) ctx.fail(`R must be a float tensor, got ${r.dtype}`, 'E_TYPE_UNSUPPORTED');
  const t = ctx.tensor(1);
  if (t.dtype !== 'int64') ctx.fail(`T must be int64, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
  for (let i = 0; i < n; i++) {
    const x = ctx.tensor(2 + i);
    if (!isFloat(x.dtype)) ctx.fail(`input ${2 + i} must be a float tensor, got ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    for (let g = 1; g < groups; g++) {
      const y = ctx.tensor(2 + g * n + i);
      const same = y.dtype === x.dtype && (!x.shape || !y.shape || (x.shape.length === y.shape.length && x.shape.every((d, k) => typeof d !== 'number' || typeof y.shape![k] !== 'number' || d === y.shape![k])));
      if (!same) ctx.fail(`input ${2 + g * n + i} must match input ${2 + i} in type and shape`, 'E_SHAPE_MISMATCH');
    }
  }
  return n;
}

/** Output types: X's types, then the state groups' (each the same as X). */
const optimizerOutputs = (ctx: OpContext<unknown>, n: number, outGroups: number): ValueType[] => {
  const xs = Array.from({ length: n }, (_, i) => ctx.tensor(2 + i));
  return Array.from({ length: n * outGroups }, (_, j) => tensorType(xs[j % n]!.dtype, xs[j % n]!.shape));
};

export interface AdagradParams { readonly n: number; readonly decay: number; readonly epsilon: number; readonly norm: number }

const Adagrad = defineOp({
  domain: TRAINING,
  attrs: { decay_factor: attr.float(0), epsilon: attr.float(1e-6), norm_coefficient: attr.float(0) },
  inputs: [5, Infinity],
  outputs: [2, Infinity],
  infer: (ctx) => optimizerOutputs(ctx, optimizerInputs(ctx, 3, 2), 2),
  params: (ctx): AdagradParams => ({ n: optimizerInputs(ctx, 3, 2), decay: ctx.attrs.decay_factor, epsilon: ctx.attrs.epsilon, norm: ctx.attrs.norm_coefficient }),
});

export interface MomentumParams { readonly n: number; readonly alpha: number; readonly beta: number; readonly nesterov: boolean; readonly norm: number }

const Momentum = defineOp({
  domain: TRAINING,
  attrs: { alpha: attr.required.float(), beta: attr.required.float(), mode: attr.required.string(), norm_coefficient: attr.required.float() },
  inputs: [5, Infinity],
  outputs: [2, Infinity],
  infer: (ctx) => {
    if (ctx.attrs.mode !== 'standard' && ctx.attrs.mode !== 'nesterov') ctx.fail(`mode must be 'standard' or 'nesterov', got '${ctx.attrs.mode}'`);
    return optimizerOutputs(ctx, optimizerInputs(ctx, 3, 2), 2);
  },
  params: (ctx): MomentumParams => ({
    n: optimizerInputs(ctx, 3, 2), alpha: ctx.attrs.alpha, beta: ctx.attrs.beta, nesterov: ctx.attrs.mode === 'nesterov', norm: ctx.attrs.norm_coefficient,
  }),
});

export interface AdamParams { readonly n: number; readonly alpha: number; readonly beta: number; readonly epsilon: number; readonly norm: number; readonly normPost: number }

const Adam = defineOp({
  domain: TRAINING,
  attrs: { alpha: attr.float(0.9), beta: attr.float(0.999), epsilon: attr.float(1e-6), norm_coefficient: attr.float(0), norm_coefficient_post: attr.float(0) },
  inputs: [6, Infinity],
  outputs: [3, Infinity],
  infer: (ctx) => optimizerOutputs(ctx, optimizerInputs(ctx, 4, 3), 3),
  params: (ctx): AdamParams => ({
    n: optimizerInputs(ctx, 4, 3), alpha: ctx.attrs.alpha, beta: ctx.attrs.beta, epsilon: ctx.attrs.epsilon,
    norm: ctx.attrs.norm_coefficient, normPost: ctx.attrs.norm_coefficient_post,
  }),
});

export const trainingOps = {
  'ai.onnx.preview.training.Adagrad': Adagrad,
  'ai.onnx.preview.training.Momentum': Momentum,
  'ai.onnx.preview.training.Adam': Adam,
};
