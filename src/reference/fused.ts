/** Reference kernels: Kiln's fused ops (the composition of the ops they replace). */
import type { KernelMap } from '../engine/backend.js';

export const fusedKernels: KernelMap = {};
