/** Elementwise ops: schemas (attributes, shape inference, kernel params). The families live in ./elementwise/. */
import type { OpSchema } from './schema.js';
import { binaryOps } from './elementwise/binary.js';
import { castOps } from './elementwise/cast.js';
import { miscElementwiseOps } from './elementwise/misc.js';
import { unaryOps } from './elementwise/unary.js';

export type { BroadcastParams, TypeClass } from './elementwise/common.js';
export type { BitShiftParams, ModParams } from './elementwise/binary.js';
export type { CastParams, RoundMode } from './elementwise/cast.js';
export type { ClipParams, DropoutParams, SwiGLUParams } from './elementwise/misc.js';

export const elementwiseOps = {
  ...unaryOps,
  ...binaryOps,
  ...castOps,
  ...miscElementwiseOps,
} satisfies Record<string, OpSchema<any, any>>;
