/** Reference kernels: norm ops. */
import type { KernelMap } from '../engine/backend.js';

export const normKernels: KernelMap = {};
