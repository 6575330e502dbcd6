/** Reference kernels: attention ops. */
import type { KernelMap } from '../engine/backend.js';

export const attentionKernels: KernelMap = {};
