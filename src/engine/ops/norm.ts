/** norm ops: schemas (attributes, shape inference, kernel params). */
import { normalizeOps } from './norm/normalize.js';
import { softmaxOps } from './norm/softmax.js';
import type { OpSchema } from './schema.js';

export type { BatchNormParams, GroupNormParams, LayerNormParams, LpNormParams, LrnParams, MvnParams } from './norm/normalize.js';
export type { LossParams, Reduction, SoftmaxParams } from './norm/softmax.js';

export const normOps = {
  ...softmaxOps,
  ...normalizeOps,
} satisfies Record<string, OpSchema<any, any>>;
