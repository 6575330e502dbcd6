/** Type conversion schemas: Cast, CastLike, BitCast. */
import { DTYPES, dtypeFromOnnx, type DType } from '../../ir/dtype.js';
import { tensorType } from '../../ir/types.js';
import { attr, defineOp, type OpContext, type OpSchema } from '../schema.js';
import { checkType, typeIn } from './common.js';

export type RoundMode = 'up' | 'down' | 'nearest';

export interface CastParams {
  readonly to: DType;
  /** float8 targets: clamp out-of-range values instead of producing Inf/NaN. */
  readonly saturate: boolean;
  /** float8e8m0 target rounding. */
  readonly round: RoundMode;
}

const castAttrs = { saturate: attr.int(1), round_mode: attr.string('up') };

function targetOf(ctx: OpContext<unknown>, code: number): DType {
  const dt = dtypeFromOnnx(code);
  if (dt === undefined) ctx.fail(`'to' = ${code} is not a known ONNX data type`, 'E_TYPE_UNSUPPORTED');
  if (!typeIn(dt, 'any')) ctx.fail(`cannot cast to '${dt}'`, 'E_TYPE_UNSUPPORTED');
  return dt;
}

function roundMode(ctx: OpContext<{ round_mode: string }>): RoundMode {
  const r = ctx.attrs.round_mode;
  if (r !== 'up' && r !== 'down' && r !== 'nearest') ctx.fail(`round_mode must be 'up', 'down' or 'nearest', got '${r}'`);
  return r;
}

const Cast = defineOp({
  attrs: { to: attr.required.int(), ...castAttrs },
  infer: (ctx) => {
    const x = checkType(ctx, 0, 'any');
    roundMode(ctx);
    return [tensorType(targetOf(ctx, ctx.attrs.to), x.shape)];
  },
  params: (ctx): CastParams => ({ to: targetOf(ctx, ctx.attrs.to), saturate: ctx.attrs.saturate !== 0, round: roundMode(ctx) }),
});

/** CastLike: Cast to the element type of the second input (whose values are not read). */
const CastLike = defineOp({
  since: 15,
  inputs: [2, 2],
  attrs: castAttrs,
  infer: (ctx) => {
    const x = checkType(ctx, 0, 'any');
    const like = checkType(ctx, 1, 'any');
    roundMode(ctx);
    return [tensorType(like.dtype, x.shape)];
  },
  params: (ctx): CastParams => ({ to: ctx.tensor(1).dtype, saturate: ctx.attrs.saturate !== 0, round: roundMode(ctx) }),
});

/** BitCast: reinterpret the bits as another type of the same width; same shape. */
const BitCast = defineOp({
  since: 26,
  attrs: { to: attr.required.int() },
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const to = dtypeFromOnnx(ctx.attrs.to);
    if (to === undefined) return ctx.fail(`'to' = ${ctx.attrs.to} is not a known ONNX data type`, 'E_TYPE_UNSUPPORTED');
    for (const dt of [x.dtype, to]) {
      if (dt === 'string' || DTYPES[dt].kind === 'block') ctx.fail(`BitCast does not take '${dt}'`, 'E_TYPE_UNSUPPORTED');
    }
    if (DTYPES[x.dtype].bits !== DTYPES[to].bits) {
      ctx.fail(`BitCast needs types of the same width: ${x.dtype} has ${DTYPES[x.dtype].bits} bits, ${to} ${DTYPES[to].bits}`, 'E_TYPE_UNSUPPORTED');
    }
    return [tensorType(to, x.shape)];
  },
  params: (ctx): { to: DType } => ({ to: dtypeFromOnnx(ctx.attrs.to)! }),
});

export const castOps = { Cast, CastLike, BitCast } satisfies Record<string, OpSchema<any, any>>;
