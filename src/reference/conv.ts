/** Reference kernels: conv ops. */
import type { KernelMap } from '../engine/backend.js';

export const convKernels: KernelMap = {};
