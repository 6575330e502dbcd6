/**
 * Reference kernels: conv ops. Convolutions run as im2col + the shared float64 matrix product
 * (./matmul/gemm.ts); pools, RoI pools and grid sampling are direct loops. Kernels live in ./conv/.
 */
import type { KernelMap } from '../engine/backend.js';
import { convCoreKernels } from './conv/conv.js';
import { poolKernels } from './conv/pool.js';
import { sampleKernels } from './conv/sample.js';

export const convKernels: KernelMap = {
  ...convCoreKernels,
  ...poolKernels,
  ...sampleKernels,
};
