/** Reference kernels: TFLite builtin ops (NHWC, TFLite's integer arithmetic). One file per family under ./tflite/. */
import type { KernelMap } from '../engine/backend.js';
import { tfliteBinaryKernels } from './tflite/binary.js';
import { tfliteConvKernels } from './tflite/conv.js';
import { tfliteSliceKernels } from './tflite/slice.js';
import { tfliteUnaryKernels } from './tflite/unary.js';
import { tfliteShapeKernels } from './tflite/shape.js';
import { tfliteGatherKernels } from './tflite/gather.js';
import { tfliteSelectKernels } from './tflite/select.js';
import { tfliteReduceKernels } from './tflite/reduce.js';
import { tfliteImageKernels } from './tflite/image.js';
import { tfliteControlKernels } from './tflite/control.js';
import { tfliteRnnKernels } from './tflite/rnn.js';
import { tfliteMiscKernels } from './tflite/misc.js';
import { tfliteCustomKernels } from './tflite/custom.js';

export const tfliteKernels: KernelMap = {
  ...tfliteConvKernels,
  ...tfliteBinaryKernels,
  ...tfliteUnaryKernels,
  ...tfliteSliceKernels,
  ...tfliteShapeKernels,
  ...tfliteGatherKernels,
  ...tfliteSelectKernels,
  ...tfliteReduceKernels,
  ...tfliteImageKernels,
  ...tfliteControlKernels,
  ...tfliteRnnKernels,
  ...tfliteMiscKernels,
  ...tfliteCustomKernels,
};
