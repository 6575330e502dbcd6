/**
 * OP_TABLE: every op Kiln knows, keyed by op type (ai.onnx) or `domain.OpType` (other domains).
 * Each family lives in its own file; a backend's kernels are keyed by the same names.
 */
import type { OpSchema } from './schema.js';
import { attentionOps } from './attention.js';
import { controlOps } from './control.js';
import { convOps } from './conv.js';
import { elementwiseOps } from './elementwise.js';
import { fusedOps } from './fused.js';
import { matmulOps } from './matmul.js';
import { miscOps } from './misc.js';
import { normOps } from './norm.js';
import { quantOps } from './quant.js';
import { reduceOps } from './reduce.js';
import { rnnOps } from './rnn.js';
import { sequenceOps } from './sequence.js';
import { shapeOps } from './shape.js';
import { signalOps } from './signal.js';
import { tfliteOps } from './tflite.js';

export const OP_TABLE = {
  ...elementwiseOps,
  ...reduceOps,
  ...normOps,
  ...shapeOps,
  ...matmulOps,
  ...convOps,
  ...quantOps,
  ...rnnOps,
  ...attentionOps,
  ...controlOps,
  ...sequenceOps,
  ...signalOps,
  ...miscOps,
  ...tfliteOps,
  ...fusedOps,
} satisfies Record<string, OpSchema<any, any>>;

export type OpName = keyof typeof OP_TABLE;

export function getSchema(key: string): OpSchema<unknown, unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(OP_TABLE, key) ? (OP_TABLE as Record<string, OpSchema<unknown, unknown>>)[key] : undefined;
}

export { attr, defineOp, opKey, resolveAttrs } from './schema.js';
export type { AttrSpec, OpContext, OpSchema, ParamsContext } from './schema.js';
