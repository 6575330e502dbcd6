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
import { describe, expect, it } from 'vitest';
import { LLM } from '../../src/llm/index.js';
import { createWasmBackend } from '../../src/wasm/backend.js';
import { golden, STORIES_TIED } from './llm-helpers.js';
import { LLM_DIR } from './vocab-data.js';

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
        const llm = await LLM.load(`${LLM_DIR}${set.model}`, opts);
        expect(llm.backendName).toBe('wasm');
        const tol = set.model.includes('mixq') || cfg.kvType === 'f16' ? 1e-2 : 1e-3;
        for (const c of set.cases) {
          const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
          expect(r.tokens).toEqual(c.greedy_ids);
          expect(r.text).toBe(c.greedy_text);
          const z = await llm.nextLogits(c.prompt_ids);
          const top = [...z].map((v, i) => [i, v] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
          top.forEach(([id, v], i) => {
            expect(id).toBe(c.first_step_top5[i]![0]);
            expect(Math.abs(v - c.first_step_top5[i]![1])).toBeLessThan(tol);
          });
        }
        await llm.unload();
      });
    }

    it('stories260K-tied.gguf (LM head = token embedding) gives the F32 tokens', async () => {
      const llm = await LLM.load(STORIES_TIED, opts);
      expect(llm.memory().weights).toBeLessThan(1_100_000);
      for (const c of golden.greedy[0]!.cases) {
        const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
        expect(r.tokens).toEqual(c.greedy_ids);
      }
      await llm.unload();
    });
  });
}
