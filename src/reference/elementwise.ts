/** Reference kernels: elementwise ops. The families live in ./elementwise/. */
import type { KernelMap } from '../engine/backend.js';
import { binaryKernels } from './elementwise/binary.js';
import { castKernels } from './elementwise/cast.js';
import { miscKernels } from './elementwise/misc.js';
import { unaryKernels } from './elementwise/unary.js';

export { castTensor } from './elementwise/cast.js';

export const elementwiseKernels: KernelMap = {
  ...unaryKernels,
  ...binaryKernels,
  ...castKernels,
  ...miscKernels,
};
