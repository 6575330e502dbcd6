/** Reference kernels: norm ops. */
import type { KernelMap } from '../engine/backend.js';
import { normalizeKernels } from './norm/normalize.js';
import { softmaxKernels } from './norm/softmax.js';

export const normKernels: KernelMap = {
  ...softmaxKernels,
  ...normalizeKernels,
};
