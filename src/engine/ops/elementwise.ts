/** Elementwise ops: schemas (attributes, shape inference, kernel params). */
import { tensorType } from '../ir/types.js';
import { broadcastShapes, concrete, sameAsInput } from './shape-utils.js';
import { defineOp, type OpSchema } from './schema.js';

/** Params of every broadcasting binary op: the concrete output dims. */
export interface BroadcastParams { readonly outDims: readonly number[] }

const binary = (since = 1) => defineOp({
  since,
  inputs: [2, 2],
  infer: (ctx) => {
    const a = ctx.tensor(0);
    const b = ctx.tensor(1);
    if (a.dtype !== b.dtype) ctx.fail(`inputs must have the same type, got ${a.dtype} and ${b.dtype}`, 'E_TYPE_UNSUPPORTED');
    return [tensorType(a.dtype, broadcastShapes(ctx, [a.shape, b.shape]))];
  },
  params: (ctx): BroadcastParams => ({ outDims: concrete((ctx.outputs[0] as { shape: readonly number[] }).shape) }),
});

const unary = (since = 1) => defineOp({ since, infer: sameAsInput(0) });

export const elementwiseOps = {
  Add: binary(),
  Sub: binary(),
  Mul: binary(),
  Div: binary(),
  Relu: unary(),
  Identity: defineOp({ infer: (ctx) => [ctx.inputs[0]] }),
} satisfies Record<string, OpSchema<any, any>>;
