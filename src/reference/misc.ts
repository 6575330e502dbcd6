/** Reference kernels: misc ops. */
import type { KernelMap } from '../engine/backend.js';

export const miscKernels: KernelMap = {};
