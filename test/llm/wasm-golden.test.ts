/**
 * Greedy generation on the wasm LLM kernels against ../shared/models/llm/golden.json, as
 * golden-tokens.test.ts does for the reference: stories260K (F32), its mixed-quant file (F32, F16, Q4_0,
 * Q5_0, Q8_0) and the tied-embedding file give the golden tokens exactly, on the SIMD build with one
 * thread and on the threads build with 3 threads (every kernel through the pool), for prefill in one
 * batch, in odd-sized batches (the GEMM path's edges) and with an f16 KV cache.
 *
 * The first step's top-5 logits: the same ids; values within 1e-3 of the float64 oracle for the F32 file
 * (float32 sums), 1e-2 for mixq (activations quantized to 14 bits per 32 values in quantized matmuls).
 */
import { describe, it } from 'vitest';
import { createWasmBackend } from '../../src/wasm/backend.js';
import { expectGoldenSet, expectTiedGolden } from './golden-checks.js';
import { golden } from './llm-helpers.js';

const configs = [
  { label: 'simd, 1 thread', build: 'simd', numThreads: 1, batchSize: 256, kvType: 'f32' },
  { label: 'threads, 3 threads, batches of 5, f16 KV cache', build: 'threads', numThreads: 3, batchSize: 5, kvType: 'f16' },
] as const;

for (const cfg of configs) {
  describe(`golden greedy tokens (wasm LLM kernels: ${cfg.label})`, async () => {
    const backend = await createWasmBackend({ build: cfg.build, numThreads: cfg.numThreads, minParallelWork: 0 });
    const opts = { backends: [backend], contextSize: 512, batchSize: cfg.batchSize, kvType: cfg.kvType };
    for (const set of golden.greedy) {
      it(`${set.model}: ${set.cases.length} prompts × 64 tokens, first-step top-5`, async () => {
        const tol = set.model.includes('mixq') || cfg.kvType === 'f16' ? 1e-2 : 1e-3;
        await expectGoldenSet(set, opts, { backend: 'wasm', tol });
      });
    }

    it('stories260K-tied.gguf (LM head = token embedding) gives the F32 tokens', async () => {
      await expectTiedGolden(opts);
    });
  });
}
