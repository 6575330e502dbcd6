/** Reference kernels: reduce ops. */
import type { KernelMap } from '../engine/backend.js';

export const reduceKernels: KernelMap = {};
