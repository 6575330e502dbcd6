/**
 * The reference backend: plain TypeScript kernels, one file per op family, correct first. It is the
 * answer key every fast kernel is tested against, and the engine's constant-folding evaluator.
 */
import { kernelMapBackend, type Backend, type KernelMap } from '../engine/backend.js';
import { attentionKernels } from './attention.js';
import { controlKernels } from './control.js';
import { convKernels } from './conv.js';
import { elementwiseKernels } from './elementwise.js';
import { fusedKernels } from './fused.js';
import { createReferenceLlmKernels } from './llm/index.js';
import { matmulKernels } from './matmul.js';
import { miscKernels } from './misc.js';
import { normKernels } from './norm.js';
import { quantKernels } from './quant.js';
import { reduceKernels } from './reduce.js';
import { rnnKernels } from './rnn.js';
import { sequenceKernels } from './sequence.js';
import { shapeKernels } from './shape.js';
import { signalKernels } from './signal.js';
import { tfliteKernels } from './tflite.js';

export const REFERENCE_KERNELS: KernelMap = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...normKernels,
  ...shapeKernels,
  ...matmulKernels,
  ...convKernels,
  ...quantKernels,
  ...rnnKernels,
  ...attentionKernels,
  ...controlKernels,
  ...sequenceKernels,
  ...signalKernels,
  ...miscKernels,
  ...tfliteKernels,
  ...fusedKernels,
};

export function createReferenceBackend(): Backend {
  return kernelMapBackend('reference', REFERENCE_KERNELS, { llm: createReferenceLlmKernels() });
}
