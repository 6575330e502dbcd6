/** Reference kernels: rnn ops. */
import type { KernelMap } from '../engine/backend.js';

export const rnnKernels: KernelMap = {};
