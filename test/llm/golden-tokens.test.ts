/**
 * Greedy generation on the reference path against ../shared/models/llm/golden.json: stories260K (F32)
 * and its mixed-quant file (F32, F16, Q4_0, Q5_0, Q8_0 weights, dequantized in the matmuls) token for
 * token, and the tied-embedding file (no output.weight) against the F32 tokens. The first step's top-5
 * logits are checked too, to 4 decimals as the oracle recorded them.
 */
import { describe, expect, it } from 'vitest';
import { LLM } from '../../src/llm/index.js';
import { golden, referenceLlmBackend, STORIES_TIED } from './llm-helpers.js';
import { LLM_DIR } from './vocab-data.js';

describe('golden greedy tokens (reference backend)', () => {
  for (const set of golden.greedy) {
    it(`${set.model}: ${set.cases.length} prompts × 64 tokens, first-step top-5 logits`, async () => {
      const llm = await LLM.load(`${LLM_DIR}${set.model}`, { backends: [referenceLlmBackend()], contextSize: 512 });
      for (const c of set.cases) {
        expect(c.prompt === '' ? [1] : llm.tokenizer.encode(c.prompt, { addSpecial: true })).toEqual(c.prompt_ids);
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
    const llm = await LLM.load(STORIES_TIED, { backends: [referenceLlmBackend()], contextSize: 512 });
    expect(llm.memory().weights).toBeLessThan(1_100_000);
    for (const c of golden.greedy[0]!.cases) {
      const r = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 64, ignoreEos: true });
      expect(r.tokens).toEqual(c.greedy_ids);
    }
    await llm.unload();
  });

  it('batch size, KV reuse and an f16 KV cache do not change the F32 tokens', async () => {
    const c = golden.greedy[0]!.cases[2]!;
    for (const opts of [{ batchSize: 1 }, { batchSize: 3 }, { kvType: 'f16' as const }]) {
      const llm = await LLM.load(`${LLM_DIR}stories260K.gguf`, { backends: [referenceLlmBackend()], contextSize: 256, ...opts });
      const half = await llm.complete(c.prompt_ids, { temperature: 0, maxTokens: 20 });
      // The second call starts with the first call's prompt and answer: only the new tokens are read.
      const rest = await llm.complete([...c.prompt_ids, ...half.tokens], { temperature: 0, maxTokens: 44 });
      expect(rest.reusedTokens).toBe(c.prompt_ids.length + 19);
      expect([...half.tokens, ...rest.tokens]).toEqual(c.greedy_ids);
      await llm.unload();
    }
  });
});
