/** Reference kernels: control ops. */
import type { KernelMap } from '../engine/backend.js';

export const controlKernels: KernelMap = {};
