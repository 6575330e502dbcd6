/** Reference kernels: TFLite builtin ops. */
import type { KernelMap } from '../engine/backend.js';

export const tfliteKernels: KernelMap = {};
