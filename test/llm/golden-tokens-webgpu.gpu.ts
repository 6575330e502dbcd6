/**
 * Greedy generation on the WebGPU LLM kernels against ../shared/models/llm/golden.json, in Node on Dawn
 * (run by test/llm/llm-webgpu.test.ts in a child process; test/browser/webgpu-llm.spec.ts runs the same
 * checks in Chromium). stories260K.gguf and the tied file must give the F32 tokens exactly. The mixed-quant
 * file's goldens come from a float64 oracle on dequantized weights; its one documented near tie (margin
 * 0.014 right after "too high.") is where an implementation that rounds differently may part, but these
 * kernels (weights decoded exactly, float32 sums) give all 64 tokens of every prompt, so that is checked.
 */
import { describe, it } from 'vitest';
import { createWebGpuBackend } from '../../src/shaders/index.js';
import { expectGoldenSet, expectSplitGolden, expectTiedGolden } from './golden-checks.js';
import { golden } from './llm-helpers.js';

const backend = await createWebGpuBackend().catch(() => undefined);

describe.skipIf(!backend)('golden greedy tokens (webgpu, Node)', () => {
  for (const set of golden.greedy) {
    it(`${set.model}: ${set.cases.length} prompts × 64 tokens, first-step top-5 logits`, async () => {
      await expectGoldenSet(set, { backends: [backend!], contextSize: 512 }, { backend: 'webgpu' });
    });
  }

  it('stories260K-tied.gguf (LM head = token embedding) gives the F32 tokens', async () => {
    await expectTiedGolden({ backends: [backend!], contextSize: 512 });
  });

  it('batch size 3, KV reuse and an f16 KV cache do not change the F32 tokens', async () => {
    await expectSplitGolden({ backends: [backend!], contextSize: 256, batchSize: 3, kvType: 'f16' });
  });
});
