/** Reference kernels: misc ops. Each group lives in ./misc/ (see src/engine/ops/misc.ts). */
import type { KernelMap } from '../engine/backend.js';
import { detectionKernels } from './misc/detection.js';
import { imageKernels } from './misc/image.js';
import { mlKernels } from './misc/ml.js';
import { randomKernels } from './misc/random.js';
import { stringKernels } from './misc/strings.js';
import { trainingKernels } from './misc/training.js';

export const miscKernels: KernelMap = {
  ...detectionKernels,
  ...randomKernels,
  ...stringKernels,
  ...imageKernels,
  ...mlKernels,
  ...trainingKernels,
};
