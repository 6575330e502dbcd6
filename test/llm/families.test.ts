/**
 * Every supported family runs, read from GGUF metadata alone (tiny synthetic models from
 * scripts/gguf-synth.ts), in several weight types; batched prefill gives the same tokens as one token
 * at a time; bad files fail with KilnErrors naming the part at fault.
 */
import { describe, expect, it } from 'vitest';
import { ggufBytes } from '../../scripts/gguf-synth-write.js';
import { synthGgufBytes, synthModel, type SynthSpec } from '../../scripts/gguf-synth.js';
import { LLM, readConfig } from '../../src/llm/index.js';
import { readGguf } from '../../src/formats/gguf/index.js';
import { referenceLlmBackend } from './llm-helpers.js';

const TINY: SynthSpec[] = [
  { arch: 'llama', hidden: 64, layers: 2, heads: 4, kvHeads: 2, ff: 96, vocab: 300 },
  { arch: 'qwen2', hidden: 64, layers: 2, heads: 4, kvHeads: 1, ff: 96, vocab: 300, tied: true, qkvBias: true },
  { arch: 'qwen3', hidden: 64, layers: 2, heads: 4, kvHeads: 2, ff: 96, vocab: 300, headDim: 32 },
  { arch: 'phi3', hidden: 64, layers: 2, heads: 4, kvHeads: 4, ff: 96, vocab: 300, fused: true },
  { arch: 'gemma', hidden: 64, layers: 2, heads: 2, kvHeads: 1, ff: 96, vocab: 300, headDim: 64, tied: true },
  { arch: 'gemma2', hidden: 64, layers: 2, heads: 2, kvHeads: 1, ff: 96, vocab: 300, headDim: 32, tied: true },
];
const load = (bytes: Uint8Array, opts = {}) => LLM.load(bytes, { backends: [referenceLlmBackend()], contextSize: 64, ...opts });

describe('transformer families on the reference backend', () => {
  for (const spec of TINY) {
    it(`${spec.arch}: q4_0, q8_0, f16 weights; batched prefill = token by token`, async () => {
      for (const type of ['q4_0', 'q8_0', 'f16'] as const) {
        const bytes = synthGgufBytes(spec, type);
        const runs: number[][] = [];
        for (const batchSize of [1, 64]) {
          const llm = await load(bytes, { batchSize });
          runs.push((await llm.complete('hello world, a prompt', { temperature: 0, maxTokens: 6 })).tokens);
          expect(llm.config.arch).toBe(spec.arch);
          await llm.unload();
        }
        expect(runs[0]).toHaveLength(6);
        expect(runs[1]).toEqual(runs[0]);
      }
    });
  }

  it('reads family details from metadata: head size, GQA, softcaps, sliding window, tied head', async () => {
    const g2 = readConfig(readGguf(synthGgufBytes(TINY[5]!, 'f32')).metadata);
    expect(g2).toMatchObject({ headDim: 32, heads: 2, kvHeads: 1, attnSoftcap: 50, finalSoftcap: 30, slidingWindow: 4096 });
    expect(g2.family.slidingLayers!(0)).toBe(true);
    expect(g2.family.slidingLayers!(1)).toBe(false);
    expect(readConfig(readGguf(synthGgufBytes(TINY[2]!, 'f32')).metadata)).toMatchObject({ headDim: 32, rope: { mode: 'neox', dims: 32 } });
    const llm = await load(synthGgufBytes(TINY[5]!, 'f32'));
    const z = await llm.nextLogits('abc');
    expect(Math.max(...z.map(Math.abs))).toBeLessThanOrEqual(30);
    await llm.unload();
    const tied = await load(synthGgufBytes(TINY[1]!, 'q8_0'));
    const untied = await load(synthGgufBytes({ ...TINY[1]!, tied: false }, 'q8_0'));
    expect(untied.memory().weights - tied.memory().weights).toBe(300 * 64 / 32 * 34);
    await tied.unload();
    await untied.unload();
  });
});

describe('RoPE frequency factors (Llama 3.1 rope_freqs, Phi-3 LongRoPE)', () => {
  const withFactors = (name: string, value: number, spec: SynthSpec = TINY[0]!) => {
    const m = synthModel(spec, 'f32');
    const n = (spec.headDim ?? spec.hidden / spec.heads) / 2;
    m.tensors.push({ name, ne: [n], ggmlType: 0, byteLength: 4 * n, fill: (out) => new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4).fill(value) });
    return ggufBytes(m.kv, m.tensors);
  };
  const logits = async (bytes: Uint8Array, contextSize = 64) => {
    const llm = await load(bytes, { contextSize });
    const z = await llm.nextLogits('hello world, a prompt');
    await llm.unload();
    return Array.from(z);
  };

  it('are read and applied: factor 1 changes nothing, another factor changes the logits', async () => {
    const plain = await logits(synthGgufBytes(TINY[0]!, 'f32'));
    expect(await logits(withFactors('rope_freqs.weight', 1))).toEqual(plain);
    expect(await logits(withFactors('rope_freqs.weight', 4))).not.toEqual(plain);
  });

  it('Phi-3 picks the long factors only past the original context', async () => {
    const phi = { ...TINY[3]!, context: 32 };
    const both = (long: number) => {
      const m = synthModel(phi, 'f32');
      const n = 8;
      for (const [name, v] of [['rope_factors_short.weight', 1], ['rope_factors_long.weight', long]] as const) {
        m.tensors.push({ name, ne: [n], ggmlType: 0, byteLength: 4 * n, fill: (out) => new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4).fill(v) });
      }
      return ggufBytes(m.kv, m.tensors);
    };
    const plain = await logits(synthGgufBytes(phi, 'f32'), 64);
    expect(await logits(both(4), 32)).toEqual(await logits(synthGgufBytes(phi, 'f32'), 32));
    expect(await logits(both(4), 64)).not.toEqual(plain);
  });
});

describe('bad GGUF files', () => {
  const base = TINY[0]!;
  const build = (edit: (m: ReturnType<typeof synthModel>) => void) => {
    const m = synthModel(base, 'q8_0');
    edit(m);
    return ggufBytes(m.kv, m.tensors);
  };

  it('an architecture the runner cannot run names it and what is missing', async () => {
    await expect(load(build((m) => m.kv.set('general.architecture', { type: 'string', value: 'mamba' })))).rejects.toThrow(/E_OP_UNSUPPORTED.*architecture 'mamba'.*selective state-space/);
    await expect(load(build((m) => m.kv.set('general.architecture', { type: 'string', value: 'newthing' })))).rejects.toThrow(/'newthing' is not supported.*runs llama, qwen2/);
    await expect(load(build((m) => m.kv.delete('general.architecture')))).rejects.toThrow(/'general.architecture' is missing/);
  });

  it('wrong or missing architecture metadata names the key', async () => {
    await expect(load(build((m) => m.kv.delete('llama.block_count')))).rejects.toThrow(/E_MODEL_INVALID.*'llama.block_count' is missing/);
    await expect(load(build((m) => m.kv.set('llama.attention.head_count_kv', { type: 'uint32', value: 3 })))).rejects.toThrow(/4 attention heads are not a multiple of 3 KV heads/);
    await expect(load(build((m) => m.kv.set('llama.feed_forward_length', { type: 'uint32', value: 128 })))).rejects.toThrow(/E_SHAPE_MISMATCH.*'blk.0.ffn_gate.weight' has shape \[96, 64\], but the metadata implies \[128, 64\]/);
    await expect(load(build((m) => m.kv.set('llama.embedding_length', { type: 'uint32', value: 32 })))).rejects.toThrow(/rope.dimension_count 16 must be even and at most the head size 8/);
    await expect(load(build((m) => m.kv.set('llama.rope.scaling.type', { type: 'string', value: 'ntk-magic' })))).rejects.toThrow(/rope.scaling.type 'ntk-magic' is not supported/);
  });

  it('a missing tensor or a tensor of the wrong shape names the tensor', async () => {
    await expect(load(build((m) => (m.tensors = m.tensors.filter((t) => t.name !== 'blk.1.ffn_down.weight'))))).rejects.toThrow(/E_MODEL_INVALID.*no tensor 'blk.1.ffn_down.weight'/);
    await expect(load(build((m) => (m.tensors = m.tensors.filter((t) => t.name !== 'output_norm.weight'))))).rejects.toThrow(/'output_norm.weight'/);
    await expect(load(build((m) => {
      const t = m.tensors.find((x) => x.name === 'blk.0.attn_k.weight')!;
      t.ne = [64, 64];
      t.byteLength = 64 * 64 / 32 * 34;
    }))).rejects.toThrow(/E_SHAPE_MISMATCH.*'blk.0.attn_k.weight' has shape \[64, 64\], but the metadata implies \[32, 64\]/);
  });

  it('no backend with LLM kernels: one error listing each backend and why', async () => {
    const bytes = synthGgufBytes(base, 'q8_0');
    const noLlm = { name: 'plain', supports: () => true as const, run: () => [] };
    await expect(LLM.load(bytes, { backends: ['nonesuch', noLlm] })).rejects.toThrow(/E_BACKEND_UNAVAILABLE.*nonesuch: backend 'nonesuch' is not available.*plain: it has no LLM kernels/);
  });
});
