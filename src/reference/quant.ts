/** Reference kernels: quant ops. */
import type { KernelMap } from '../engine/backend.js';

export const quantKernels: KernelMap = {};
