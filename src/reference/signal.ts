/** Reference kernels: signal ops. */
import type { KernelMap } from '../engine/backend.js';

export const signalKernels: KernelMap = {};
