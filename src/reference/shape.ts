/** Reference kernels: shape ops. */
import type { KernelMap } from '../engine/backend.js';

export const shapeKernels: KernelMap = {};
