/** Reference kernels: sequence ops. */
import type { KernelMap } from '../engine/backend.js';

export const sequenceKernels: KernelMap = {};
