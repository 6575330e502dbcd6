/** Reference kernels: matmul ops. */
import type { KernelMap } from '../engine/backend.js';

export const matmulKernels: KernelMap = {};
