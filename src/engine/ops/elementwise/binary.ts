/** Binary and variadic elementwise schemas with multidirectional (numpy) broadcasting. */
import { attr, defineOp, type OpSchema } from '../schema.js';
import {
  broadcastParams, broadcastType, checkSameType, checkType, legacyBroadcastAttrs, range,
  type BroadcastParams, type TypeClass,
} from './common.js';

const BOTH = [0, 1] as const;

/** Two inputs of one type in `cls`; output of that type, or bool for comparisons. */
function binary(cls: TypeClass, since = 1, out: 'same' | 'bool' = 'same') {
  return defineOp({
    since,
    inputs: [2, 2],
    attrs: legacyBroadcastAttrs,
    infer: (ctx) => {
      checkType(ctx, 0, cls);
      const dt = checkSameType(ctx, BOTH);
      return [broadcastType(ctx, BOTH, out === 'bool' ? 'bool' : dt)];
    },
    params: (ctx): BroadcastParams => broadcastParams(ctx, BOTH),
  });
}

/** 1..N inputs of one numeric type (Max, Min, Sum, Mean). */
function variadic() {
  return defineOp({
    inputs: [1, Infinity],
    infer: (ctx) => {
      const all = range(ctx.inputs.length);
      checkType(ctx, 0, 'numeric');
      const dt = checkSameType(ctx, all);
      return [broadcastType(ctx, all, dt)];
    },
    params: (ctx): BroadcastParams => broadcastParams(ctx, range(ctx.inputs.length)),
  });
}

export interface ModParams extends BroadcastParams { readonly fmod: boolean }
export interface BitShiftParams extends BroadcastParams { readonly left: boolean }

const Mod = defineOp({
  since: 10,
  inputs: [2, 2],
  attrs: { fmod: attr.int(0) },
  infer: (ctx) => {
    checkType(ctx, 0, 'numeric');
    if (ctx.attrs.fmod !== 0 && ctx.attrs.fmod !== 1) ctx.fail(`fmod must be 0 or 1, got ${ctx.attrs.fmod}`);
    return [broadcastType(ctx, BOTH, checkSameType(ctx, BOTH))];
  },
  params: (ctx): ModParams => ({ ...broadcastParams(ctx, BOTH), fmod: ctx.attrs.fmod === 1 }),
});

const BitShift = defineOp({
  since: 11,
  inputs: [2, 2],
  attrs: { direction: attr.required.string() },
  infer: (ctx) => {
    if (ctx.attrs.direction !== 'LEFT' && ctx.attrs.direction !== 'RIGHT') ctx.fail(`direction must be 'LEFT' or 'RIGHT', got '${ctx.attrs.direction}'`);
    checkType(ctx, 0, 'unsigned');
    return [broadcastType(ctx, BOTH, checkSameType(ctx, BOTH))];
  },
  params: (ctx): BitShiftParams => ({ ...broadcastParams(ctx, BOTH), left: ctx.attrs.direction === 'LEFT' }),
});

/** Pow: base and exponent may have different numeric types (opset 12+); the output has the base's type. */
const Pow = defineOp({
  inputs: [2, 2],
  attrs: legacyBroadcastAttrs,
  infer: (ctx) => {
    const base = checkType(ctx, 0, 'numeric');
    checkType(ctx, 1, 'numeric');
    return [broadcastType(ctx, BOTH, base.dtype)];
  },
  params: (ctx): BroadcastParams => broadcastParams(ctx, BOTH),
});

export const binaryOps = {
  Add: binary('numeric'),
  Sub: binary('numeric'),
  Mul: binary('numeric'),
  Div: binary('numeric'),
  Pow,
  Mod,
  And: binary('bool', 1, 'bool'),
  Or: binary('bool', 1, 'bool'),
  Xor: binary('bool', 1, 'bool'),
  Equal: binary('any', 1, 'bool'),
  Less: binary('numeric', 1, 'bool'),
  LessOrEqual: binary('numeric', 12, 'bool'),
  Greater: binary('numeric', 1, 'bool'),
  GreaterOrEqual: binary('numeric', 12, 'bool'),
  BitShift,
  BitwiseAnd: binary('integer', 18),
  BitwiseOr: binary('integer', 18),
  BitwiseXor: binary('integer', 18),
  Max: variadic(),
  Min: variadic(),
  Sum: variadic(),
  Mean: variadic(),
} satisfies Record<string, OpSchema<any, any>>;
