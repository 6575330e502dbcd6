/**
 * Greedy generation on the WebGPU LLM kernels against ../shared/models/llm/golden.json, in Node on Dawn
 * (run by test/llm/llm-webgpu.test.ts in a child process; test/browser/webgpu-llm.spec.ts runs the same
 * checks in Chromium). stories260K.gguf and the tied file must give the F32 tokens exactly. The mixed-quant
 * file's goldens come from a float64 oracle on dequantized weights; its one documented near tie (margin
 * 0.014 right after "too high.") is where an implementation that rounds differently may part, but these
 * kernels (weights decoded exactly, float32 sums) give all 64 tokens of every prompt, so that is checked.
 */
import { describe, expect, it } from 'vitest';
import { LLM } from '../../src/llm/index.js';
import { createWebGpuBackend } from '../../src/shaders/index.js';
import { golden, STORIES_TIED } from './llm-helpers.js';
import { LLM_DIR } from './vocab-data.js';

const backend = await createWebGpuBackend().catch(() => undefined);

describe.skipIf(!backend)('golden greedy tokens (webgpu, Node)', () => {
  for (const set of golden.greedy) {
    it(`${set.model}: ${set.cases.length} prompts × 64 tokens, first-step top-5 logits`, async () => {
      const llm = await LLM.load(`${LLM_DIR}${set.model}`, { backends: [backend!], contextSize: 512 });
      expect(llm.backendName).toBe('webgpu');
      for (const c of set.cases) {
        const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
        expect(r.tokens).toEqual(c.greedy_ids);
        expect(r.text).toBe(c.greedy_text);
        const z = await llm.nextLogits(c.prompt_ids);
        const top = [...z].map((v, i) => [i, v] as const).sort((a, b) => b[1] - a[1]).slice(0, 5);
        top.forEach(([id, v], i) => {
          expect(id).toBe(c.first_step_top5[i]![0]);
          expect(v).toBeCloseTo(c.first_step_top5[i]![1], 3);
        });
      }
      await llm.unload();
    });
  }

  it('stories260K-tied.gguf (LM head = token embedding) gives the F32 tokens', async () => {
    const llm = await LLM.load(STORIES_TIED, { backends: [backend!], contextSize: 512 });
    expect(llm.memory().weights).toBeLessThan(1_100_000);
    for (const c of golden.greedy[0]!.cases) {
      const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
      expect(r.tokens).toEqual(c.greedy_ids);
    }
    await llm.unload();
  });

  it('batch size 3, KV reuse and an f16 KV cache do not change the F32 tokens', async () => {
    const c = golden.greedy[0]!.cases[2]!;
    const llm = await LLM.load(`${LLM_DIR}stories260K.gguf`, { backends: [backend!], contextSize: 256, batchSize: 3, kvType: 'f16' });
    const half = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 20 });
    const rest = await llm.complete([...c.prompt_ids, ...half.tokens], { temperature: 0, maxTokens: 44 });
    expect(rest.reusedTokens).toBe(c.prompt_ids.length + 19);
    expect([...half.tokens, ...rest.tokens]).toEqual(c.greedy_ids);
    await llm.unload();
  });
});
