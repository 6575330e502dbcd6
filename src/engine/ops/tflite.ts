/**
 * TFLite builtin ops (domain 'tflite'): schemas with TFLite's own semantics — NHWC layout, fused
 * activations, SAME/VALID padding, and the exact integer arithmetic of quantized kernels (params hand
 * kernels precomputed fixed-point multipliers). One file per family under ./tflite/.
 */
import type { OpSchema } from './schema.js';
import { tfliteBinaryOps } from './tflite/binary.js';
import { tfliteConvOps } from './tflite/conv.js';
import { tfliteSliceOps } from './tflite/slice.js';
import { tfliteUnaryOps } from './tflite/unary.js';
import { tfliteShapeOps } from './tflite/shape.js';
import { tfliteGatherOps } from './tflite/gather.js';
import { tfliteSelectOps } from './tflite/select.js';
import { tfliteReduceOps } from './tflite/reduce.js';
import { tfliteImageOps } from './tflite/image.js';
import { tfliteControlOps } from './tflite/control.js';
import { tfliteRnnOps } from './tflite/rnn.js';
import { tfliteMiscOps } from './tflite/misc.js';
import { tfliteCustomOps } from './tflite/custom.js';

export const tfliteOps = {
  ...tfliteConvOps,
  ...tfliteBinaryOps,
  ...tfliteUnaryOps,
  ...tfliteSliceOps,
  ...tfliteShapeOps,
  ...tfliteGatherOps,
  ...tfliteSelectOps,
  ...tfliteReduceOps,
  ...tfliteImageOps,
  ...tfliteControlOps,
  ...tfliteRnnOps,
  ...tfliteMiscOps,
  ...tfliteCustomOps,
} satisfies Record<string, OpSchema<any, any>>;
