/** The reference LLM kernels against ggml's dequantized fixtures and float64 math (exact where it can be). */
import { createReferenceLlmKernels } from '../../src/reference/llm/index.js';
import { describeLlmKernels } from './kernel-suite.js';

describeLlmKernels('reference', createReferenceLlmKernels, { tol: 0 });
