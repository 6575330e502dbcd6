/**
 * Greedy generation on the reference path against ../shared/models/llm/golden.json: stories260K (F32)
 * and its mixed-quant file (F32, F16, Q4_0, Q5_0, Q8_0 weights, dequantized in the matmuls) token for
 * token, and the tied-embedding file (no output.weight) against the F32 tokens. The first step's top-5
 * logits are checked too, to 4 decimals as the oracle recorded them.
 */
import { describe, it } from 'vitest';
import { expectGoldenSet, expectSplitGolden, expectTiedGolden } from './golden-checks.js';
import { golden, referenceLlmBackend } from './llm-helpers.js';

describe('golden greedy tokens (reference backend)', () => {
  for (const set of golden.greedy) {
    it(`${set.model}: ${set.cases.length} prompts × 64 tokens, first-step top-5 logits`, async () => {
      await expectGoldenSet(set, { backends: [referenceLlmBackend()], contextSize: 512 }, { encode: true });
    });
  }

  it('stories260K-tied.gguf (LM head = token embedding) gives the F32 tokens', async () => {
    await expectTiedGolden({ backends: [referenceLlmBackend()], contextSize: 512 });
  });

  it('batch size, KV reuse and an f16 KV cache do not change the F32 tokens', async () => {
    for (const opts of [{ batchSize: 1 }, { batchSize: 3 }, { kvType: 'f16' as const }]) {
      await expectSplitGolden({ backends: [referenceLlmBackend()], contextSize: 256, ...opts });
    }
  });
});
