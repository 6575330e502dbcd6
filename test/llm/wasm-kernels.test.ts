/**
 * The wasm LLM kernels through the shared kernel suite, on each build: quantized matmuls take int8
 * activations (one scale per 32 values, as llama.cpp's q8_0), hence the tolerance.
 */
import v8 from 'node:v8';
import { createWasmBackend } from '../../src/wasm/backend.js';
import { createWasmLlmKernels } from '../../src/wasm/llm/kernels.js';
import { describeLlmKernels } from './kernel-suite.js';

// Node 20 validates relaxed SIMD only behind this flag (Node 22+ and Chromium ship it).
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export const WASM_LLM_TOL = 2e-3;

for (const [build, numThreads] of [['simd', 1], ['relaxed', 1], ['threads', 3]] as const) {
  const backend = await createWasmBackend({ build, numThreads, minParallelWork: 0 });
  describeLlmKernels(`wasm ${build} (${numThreads} thread${numThreads > 1 ? 's' : ''})`, () => createWasmLlmKernels(backend.rt), { tol: WASM_LLM_TOL });
}
