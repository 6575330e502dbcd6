/**
 * Every transformer family on the WebGPU LLM kernels against the reference kernels, on tiny synthetic
 * models (scripts/gguf-synth.ts): the runner's every path (GQA, q/k norms, fused q/k/v and gate/up,
 * biases, GELU, post norms, soft-caps, sliding window, neox RoPE, tied heads) in several weight types.
 * Random weights give near-uniform logits, so logits are compared (to 1e-3 of their largest magnitude)
 * after a batched prefill and after two decode steps, rather than greedy tokens. One wider model (512
 * columns, Q4_K) reaches the 4-threads-a-row decode kernel and the tiled prefill kernel with a bias.
 */
import { describe, expect, it } from 'vitest';
import { synthGgufBytes, type SynthSpec, type SynthType } from '../../scripts/gguf-synth.js';
import { LLM } from '../../src/llm/index.js';
import { createWebGpuBackend } from '../../src/shaders/index.js';
import { referenceLlmBackend } from './llm-helpers.js';

const backend = await createWebGpuBackend().catch(() => undefined);

const CASES: [SynthSpec, SynthType[]][] = [
  [{ arch: 'llama', hidden: 64, layers: 2, heads: 4, kvHeads: 2, ff: 96, vocab: 300 }, ['q4_0', 'f16']],
  [{ arch: 'qwen2', hidden: 64, layers: 2, heads: 4, kvHeads: 1, ff: 96, vocab: 300, tied: true, qkvBias: true }, ['q8_0']],
  [{ arch: 'qwen3', hidden: 64, layers: 2, heads: 4, kvHeads: 2, ff: 96, vocab: 300, headDim: 32 }, ['q8_0']],
  [{ arch: 'phi3', hidden: 64, layers: 2, heads: 4, kvHeads: 4, ff: 96, vocab: 300, fused: true }, ['q8_0']],
  [{ arch: 'gemma', hidden: 64, layers: 2, heads: 2, kvHeads: 1, ff: 96, vocab: 300, headDim: 64, tied: true }, ['q4_0']],
  [{ arch: 'gemma2', hidden: 64, layers: 2, heads: 2, kvHeads: 1, ff: 96, vocab: 300, headDim: 32, tied: true }, ['q8_0']],
  [{ arch: 'qwen2', hidden: 512, layers: 1, heads: 8, kvHeads: 2, ff: 1024, vocab: 512, tied: true, qkvBias: true }, ['q4_k']],
];

const PROMPT = 'hello world, a prompt';

async function trace(bytes: Uint8Array, b: Parameters<typeof LLM.load>[1]): Promise<Float32Array[]> {
  const llm = await LLM.load(bytes, { contextSize: 64, ...b });
  const ids = llm.tokenizer.encode(PROMPT, { addSpecial: true });
  const out = [await llm.nextLogits(ids)];
  for (const t of [17, 42]) {
    ids.push(t);
    out.push(await llm.nextLogits(ids));
  }
  await llm.unload();
  return out;
}

describe.skipIf(!backend)('transformer families: webgpu logits = reference logits', () => {
  for (const [spec, types] of CASES) {
    it(`${spec.arch} (hidden ${spec.hidden}): ${types.join(', ')}`, async () => {
      for (const type of types) {
        const bytes = synthGgufBytes(spec, type);
        const want = await trace(bytes, { backends: [referenceLlmBackend()] });
        const got = await trace(bytes, { backends: [backend!], kvType: 'f32' });
        want.forEach((w, step) => {
          const scale = Math.max(...w.map(Math.abs));
          let worst = 0;
          for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(got[step]![i]! - w[i]!));
          expect(worst / scale, `${type}, step ${step}`).toBeLessThan(1e-3);
        });
      }
    });
  }
});
