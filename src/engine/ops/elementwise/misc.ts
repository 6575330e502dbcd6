/** Elementwise schemas that fit no simple pattern: Clip, Where, PRelu, SwiGLU, Identity, Dropout. */
import { toNumbers } from '../../elements.js';
import { tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { attr, defineOp, type OpContext, type OpSchema } from '../schema.js';
import { broadcastShapes, concrete } from '../shape-utils.js';
import { broadcastParams, broadcastType, checkSameType, checkType, type BroadcastParams } from './common.js';

const FLT_MAX = 3.4028234663852886e38;

export interface ClipParams {
  /** Opset < 11: the bounds from the attributes. From 11 the kernel reads the optional inputs 1 and 2. */
  readonly min?: number;
  readonly max?: number;
}

/** Fails when a shape is known not to hold exactly one element. */
function checkScalar(ctx: OpContext<unknown>, i: number, what: string): void {
  const s = ctx.tensor(i).shape;
  if (s && s.every((d) => typeof d === 'number') && (s as number[]).reduce((a, b) => a * b, 1) !== 1) {
    ctx.fail(`${what} must be a scalar (one element), got shape [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
  }
}

const Clip = defineOp({
  inputs: [1, 3],
  attrs: { min: attr.float(-FLT_MAX), max: attr.float(FLT_MAX) },
  infer: (ctx) => {
    const x = checkType(ctx, 0, 'numeric');
    if (ctx.opset >= 11) {
      for (const i of [1, 2]) {
        if (!ctx.has(i)) continue;
        checkSameType(ctx, [0, i]);
        checkScalar(ctx, i, i === 1 ? 'min' : 'max');
      }
    }
    return [x];
  },
  params: (ctx): ClipParams => (ctx.opset < 11 ? { min: ctx.attrs.min, max: ctx.attrs.max } : {}),
});

/** Where(cond, x, y): three-way broadcast, any element type. */
const Where = defineOp({
  since: 9,
  inputs: [3, 3],
  infer: (ctx) => {
    checkType(ctx, 0, 'bool');
    checkType(ctx, 1, 'any');
    const dt = checkSameType(ctx, [1, 2]);
    return [broadcastType(ctx, [0, 1, 2], dt)];
  },
  params: (ctx): BroadcastParams => broadcastParams(ctx, [0, 1, 2]),
});

/**
 * The slope's dims as PRelu reads them. From opset 7 the slope broadcasts to X (unidirectionally).
 * Before, a 1-D slope of X's channel count applied per channel (axis 1).
 */
function slopeDims(ctx: OpContext<unknown>, x: readonly Dim[], s: readonly Dim[]): readonly Dim[] {
  if (ctx.opset < 7 && s.length === 1 && x.length >= 2 && s[0] !== 1 && s[0] === x[1]) {
    return [s[0]!, ...new Array<Dim>(x.length - 2).fill(1)];
  }
  return s;
}

const PRelu = defineOp({
  inputs: [2, 2],
  infer: (ctx) => {
    const x = checkType(ctx, 0, 'numeric');
    checkSameType(ctx, [0, 1]);
    const s = ctx.tensor(1).shape;
    if (x.shape && s) {
      const b = broadcastShapes(ctx, [x.shape, slopeDims(ctx, x.shape, s)])!;
      if (b.length !== x.shape.length || b.some((d, k) => typeof d === 'number' && typeof x.shape![k] === 'number' && d !== x.shape![k])) {
        ctx.fail(`slope [${s.join(',')}] does not broadcast to X [${x.shape.join(',')}]`, 'E_SHAPE_MISMATCH');
      }
    }
    return [x];
  },
  params: (ctx): BroadcastParams => {
    const x = concrete(ctx.shape(0));
    const s = concrete(slopeDims(ctx, x, ctx.shape(1)) as Dim[]);
    return { outDims: x, inDims: [x, s] };
  },
});

export interface SwiGLUParams extends BroadcastParams { readonly alpha: number }

/** SwiGLU(a, b) = Swish(a, alpha) * b, broadcasting like Mul. */
const SwiGLU = defineOp({
  since: 28,
  inputs: [2, 2],
  attrs: { alpha: attr.float(1) },
  infer: (ctx) => {
    checkType(ctx, 0, 'float');
    return [broadcastType(ctx, [0, 1], checkSameType(ctx, [0, 1]))];
  },
  params: (ctx): SwiGLUParams => ({ ...broadcastParams(ctx, [0, 1]), alpha: ctx.attrs.alpha }),
});

/** Identity passes any value through: tensors, sequences, optionals. */
const Identity = defineOp({ infer: (ctx) => [ctx.inputs[0]] });

export interface DropoutParams {
  readonly ratio: number;
  /** Training mode: drop elements at random and scale the rest by 1/(1-ratio). */
  readonly training: boolean;
  readonly seed: number | undefined;
  /** Element type of the mask output: bool from opset 10, the input's type before. */
  readonly maskType: TensorType['dtype'];
  /** Whether the node asks for the mask output. */
  readonly withMask: boolean;
}

function scalarInput(ctx: OpContext<unknown>, i: number): number | undefined {
  if (!ctx.has(i)) return undefined;
  const v = ctx.value(i);
  if (!v) return undefined;
  if (v.size !== 1) ctx.fail(`input ${i} must be a scalar, got ${v.size} elements`, 'E_SHAPE_MISMATCH');
  return toNumbers(v)[0]!;
}

/**
 * Dropout. Inference (the default) is the identity with an all-true mask. Training mode exists only from
 * opset 12 (the `training_mode` input); its result is random. Legacy `is_test` (opset < 7) is not read:
 * like onnxruntime, Kiln runs those models for inference.
 */
const Dropout = defineOp({
  inputs: [1, 3],
  outputs: [1, 2],
  nondeterministic: true,
  attrs: { ratio: attr.float(0.5), seed: attr.int() },
  infer: (ctx) => {
    const x = checkType(ctx, 0, 'float');
    if (ctx.opset >= 12 && ctx.has(2)) checkType(ctx, 2, 'bool');
    const out: TensorType[] = [x];
    if (ctx.numOutputs > 1) out.push(tensorType(ctx.opset >= 10 ? 'bool' : x.dtype, x.shape));
    return out;
  },
  params: (ctx): DropoutParams => {
    const ratio = ctx.opset >= 12 ? scalarInput(ctx, 1) ?? 0.5 : ctx.attrs.ratio;
    const training = ctx.opset >= 12 && (scalarInput(ctx, 2) ?? 0) !== 0;
    if (training && !(ratio >= 0 && ratio < 1)) ctx.fail(`ratio must be in [0, 1), got ${ratio}`, 'E_INPUT_INVALID');
    return {
      ratio, training, seed: ctx.attrs.seed, maskType: ctx.opset >= 10 ? 'bool' : ctx.tensor(0).dtype, withMask: ctx.numOutputs > 1,
    };
  },
});

export const miscElementwiseOps = { Clip, Where, PRelu, SwiGLU, Identity, Dropout } satisfies Record<string, OpSchema<any, any>>;
