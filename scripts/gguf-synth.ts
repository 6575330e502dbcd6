/**
 * Synthetic GGUF language models with a seeded generator, at the shapes of real models (for benchmarks)
 * or tiny (for tests): every tensor the runner expects for the family, in the chosen weight type, with
 * random block contents scaled like trained weights (std ≈ 0.02), norm weights 1, and a llama-style
 * vocabulary (3 specials, 256 byte tokens, filler pieces no text can merge into, so every character of
 * a prompt is one byte token). The same seed gives the same bytes.
 *
 *   npx tsx scripts/gguf-synth.ts qwen2.5-0.5b q4_0 out.gguf [--sparse] [--seed N]
 */
import { numberToFloat16 } from '../src/engine/ir/minifloat.js';
import { ggufBytes, writeGguf, type KvValue, type TensorDecl } from './gguf-synth-write.js';

export type SynthArch = 'llama' | 'qwen2' | 'qwen3' | 'phi3' | 'gemma' | 'gemma2';
export type SynthType = 'f32' | 'f16' | 'q4_0' | 'q4_1' | 'q5_0' | 'q8_0' | 'q4_k' | 'q5_k' | 'q6_k';

export interface SynthSpec {
  arch: SynthArch;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ff: number;
  vocab: number;
  headDim?: number;
  context?: number;
  ropeBase?: number;
  /** No output.weight: the LM head is the token embedding. */
  tied?: boolean;
  qkvBias?: boolean;
  /** Phi-3 style fused attn_qkv and gate+up ffn_up. */
  fused?: boolean;
  name?: string;
}

/** Real model shapes for the benchmark. */
export const SHAPES: Record<string, SynthSpec> = {
  'qwen2.5-0.5b': { arch: 'qwen2', hidden: 896, layers: 24, heads: 14, kvHeads: 2, ff: 4864, vocab: 151936, context: 32768, ropeBase: 1e6, tied: true, qkvBias: true, name: 'synthetic Qwen2.5-0.5B' },
  'llama-3.2-1b': { arch: 'llama', hidden: 2048, layers: 16, heads: 32, kvHeads: 8, ff: 8192, vocab: 128256, context: 131072, ropeBase: 5e5, tied: true, name: 'synthetic Llama-3.2-1B' },
  'llama-8b': { arch: 'llama', hidden: 4096, layers: 32, heads: 32, kvHeads: 8, ff: 14336, vocab: 128256, context: 8192, ropeBase: 5e5, name: 'synthetic Llama-3-8B' },
};

const GGML: Record<SynthType, { code: number; block: number; bytes: number }> = {
  f32: { code: 0, block: 1, bytes: 4 }, f16: { code: 1, block: 1, bytes: 2 },
  q4_0: { code: 2, block: 32, bytes: 18 }, q4_1: { code: 3, block: 32, bytes: 20 }, q5_0: { code: 6, block: 32, bytes: 22 },
  q8_0: { code: 8, block: 32, bytes: 34 }, q4_k: { code: 12, block: 256, bytes: 144 }, q5_k: { code: 13, block: 256, bytes: 176 },
  q6_k: { code: 14, block: 256, bytes: 210 },
};

/** xorshift32 seeded per block: any byte range of a tensor can be produced on its own. */
function blockRng(seed: number, block: number): () => number {
  let x = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(block + 1, 0xc2b2ae35)) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

function putHalf(b: Uint8Array, at: number, v: number): void {
  const h = numberToFloat16(v);
  b[at] = h & 0xff;
  b[at + 1] = h >> 8;
}

const STD = 0.02;

/** One storage unit (a block, or 32 floats) of random weights. */
function fillUnit(type: SynthType, r: () => number, u: Uint8Array): void {
  for (let i = 0; i < u.length; i++) u[i] = r() & 0xff;
  const uni = () => (r() / 4294967296) * 2 - 1;
  switch (type) {
    case 'f32': {
      const v = new DataView(u.buffer, u.byteOffset, u.byteLength);
      for (let i = 0; i < u.length; i += 4) v.setFloat32(i, uni() * STD * 1.7, true);
      break;
    }
    case 'f16': for (let i = 0; i < u.length; i += 2) putHalf(u, i, uni() * STD * 1.7); break;
    case 'q4_0': case 'q5_0': putHalf(u, 0, STD / 4.6); break;
    case 'q4_1': putHalf(u, 0, STD / 4.6); putHalf(u, 2, -STD * 1.6); break;
    case 'q8_0': putHalf(u, 0, STD / 73); break;
    case 'q4_k': case 'q5_k': {
      putHalf(u, 0, STD / (48 * 4.6));
      putHalf(u, 2, STD / 48);
      for (let i = 4; i < 16; i++) u[i] = 0xa0 | (u[i]! & 0x1f); // scales 32–63-ish, mins similar
      break;
    }
    case 'q6_k': {
      for (let i = 192; i < 208; i++) u[i] = 16 + (u[i]! & 15);
      putHalf(u, 208, STD / (24 * 18));
      break;
    }
  }
}

function matrix(name: string, rows: number, cols: number, type: SynthType, seed: number): TensorDecl {
  const g = GGML[type];
  const unitValues = g.block === 1 ? 32 : g.block;
  const unitBytes = (unitValues / g.block) * g.bytes;
  const units = (rows * cols) / unitValues;
  const tmp = new Uint8Array(unitBytes);
  return {
    name, ne: [cols, rows], ggmlType: g.code, byteLength: units * unitBytes,
    fill(out, offset) {
      for (let u = Math.floor(offset / unitBytes); u * unitBytes < offset + out.length; u++) {
        fillUnit(type, blockRng(seed, u), tmp);
        const from = Math.max(0, offset - u * unitBytes);
        const to = Math.min(unitBytes, offset + out.length - u * unitBytes);
        out.set(tmp.subarray(from, to), u * unitBytes + from - offset);
      }
    },
  };
}

function vector(name: string, n: number, value: (i: number) => number): TensorDecl {
  return {
    name, ne: [n], ggmlType: 0, byteLength: 4 * n,
    fill(out, offset) {
      const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
      for (let b = 0; b < out.length; b += 4) v.setFloat32(b, value((offset + b) / 4), true);
    },
  };
}

const K_FALLBACK: Partial<Record<SynthType, SynthType>> = { q4_k: 'q5_0', q5_k: 'q5_0', q6_k: 'q8_0' };

/** Metadata and tensor declarations of a synthetic model. */
export function synthModel(spec: SynthSpec, type: SynthType, seed = 1): { kv: Map<string, KvValue>; tensors: TensorDecl[] } {
  const a = spec.arch;
  const hd = spec.headDim ?? spec.hidden / spec.heads;
  const kv = new Map<string, KvValue>();
  const u32 = (k: string, v: number) => kv.set(k, { type: 'uint32', value: v });
  const f32 = (k: string, v: number) => kv.set(k, { type: 'float32', value: v });
  kv.set('general.architecture', { type: 'string', value: a });
  kv.set('general.name', { type: 'string', value: spec.name ?? `synthetic ${a}` });
  u32(`${a}.context_length`, spec.context ?? 4096);
  u32(`${a}.embedding_length`, spec.hidden);
  u32(`${a}.block_count`, spec.layers);
  u32(`${a}.feed_forward_length`, spec.ff);
  u32(`${a}.attention.head_count`, spec.heads);
  u32(`${a}.attention.head_count_kv`, spec.kvHeads);
  if (spec.headDim !== undefined) {
    u32(`${a}.attention.key_length`, hd);
    u32(`${a}.attention.value_length`, hd);
  }
  u32(`${a}.rope.dimension_count`, hd);
  f32(`${a}.rope.freq_base`, spec.ropeBase ?? 10000);
  f32(`${a}.attention.layer_norm_rms_epsilon`, 1e-6);
  if (a === 'gemma2') {
    f32(`${a}.attn_logit_softcapping`, 50);
    f32(`${a}.final_logit_softcapping`, 30);
    u32(`${a}.attention.sliding_window`, 4096);
  }
  const n = spec.vocab;
  const tokens: string[] = ['<unk>', '<s>', '</s>'];
  for (let b = 0; b < 256; b++) tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  for (let i = tokens.length; i < n; i++) tokens.push(`[w${i}]`);
  kv.set('tokenizer.ggml.model', { type: 'string', value: 'llama' });
  kv.set('tokenizer.ggml.tokens', { type: 'array', item: 'string', value: tokens.slice(0, n) });
  kv.set('tokenizer.ggml.scores', { type: 'array', item: 'float32', value: Float32Array.from({ length: n }, (_, i) => (i < 259 ? 0 : -i)) });
  kv.set('tokenizer.ggml.token_type', { type: 'array', item: 'int32', value: Int32Array.from({ length: n }, (_, i) => (i === 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1)) });
  u32('tokenizer.ggml.bos_token_id', 1);
  u32('tokenizer.ggml.eos_token_id', 2);
  u32('tokenizer.ggml.unknown_token_id', 0);
  kv.set('tokenizer.ggml.add_bos_token', { type: 'bool', value: true });
  kv.set('tokenizer.ggml.add_space_prefix', { type: 'bool', value: false });

  let s = seed * 1000;
  // Rows that are not whole 256-value super-blocks cannot be K-quants; like llama.cpp's quantizer, such
  // tensors fall back to a legacy type (Q4_K → Q5_0, Q5_K → Q5_0 here, Q6_K → Q8_0): Qwen2.5-0.5B's 896.
  const m = (name: string, rows: number, cols: number) => matrix(name, rows, cols, cols % 256 === 0 ? type : K_FALLBACK[type] ?? type, s++);
  const ones = (name: string, len: number) => vector(name, len, () => 1);
  const small = (name: string, len: number) => vector(name, len, (i) => 0.01 * Math.sin(i + s));
  const t: TensorDecl[] = [m('token_embd.weight', n, spec.hidden)];
  const q = spec.heads * hd;
  const kvw = spec.kvHeads * hd;
  for (let l = 0; l < spec.layers; l++) {
    const b = (x: string) => `blk.${l}.${x}`;
    t.push(ones(b('attn_norm.weight'), spec.hidden));
    if (spec.fused) t.push(m(b('attn_qkv.weight'), q + 2 * kvw, spec.hidden));
    else t.push(m(b('attn_q.weight'), q, spec.hidden), m(b('attn_k.weight'), kvw, spec.hidden), m(b('attn_v.weight'), kvw, spec.hidden));
    if (spec.qkvBias) t.push(small(b('attn_q.bias'), q), small(b('attn_k.bias'), kvw), small(b('attn_v.bias'), kvw));
    if (a === 'qwen3') t.push(ones(b('attn_q_norm.weight'), hd), ones(b('attn_k_norm.weight'), hd));
    t.push(m(b('attn_output.weight'), spec.hidden, q));
    if (a === 'gemma2') t.push(ones(b('post_attention_norm.weight'), spec.hidden));
    t.push(ones(b('ffn_norm.weight'), spec.hidden));
    if (spec.fused) t.push(m(b('ffn_up.weight'), 2 * spec.ff, spec.hidden));
    else t.push(m(b('ffn_gate.weight'), spec.ff, spec.hidden), m(b('ffn_up.weight'), spec.ff, spec.hidden));
    t.push(m(b('ffn_down.weight'), spec.hidden, spec.ff));
    if (a === 'gemma2') t.push(ones(b('post_ffw_norm.weight'), spec.hidden));
  }
  t.push(ones('output_norm.weight', spec.hidden));
  if (!spec.tied) t.push(m('output.weight', n, spec.hidden));
  return { kv, tensors: t };
}

/** A small synthetic model in memory (tests). */
export function synthGgufBytes(spec: SynthSpec, type: SynthType, seed = 1): Uint8Array {
  const { kv, tensors } = synthModel(spec, type, seed);
  return ggufBytes(kv, tensors);
}

/** Writes a synthetic model file; returns its size. */
export async function writeSynthGguf(path: string, spec: SynthSpec, type: SynthType, opts: { seed?: number; sparse?: boolean } = {}): Promise<number> {
  const { kv, tensors } = synthModel(spec, type, opts.seed ?? 1);
  return writeGguf(path, kv, tensors, { sparse: opts.sparse });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [shape, type, out, ...rest] = process.argv.slice(2);
  const spec = shape ? SHAPES[shape] : undefined;
  if (!spec || !type || !(type in GGML) || !out) {
    process.stderr.write(`usage: tsx scripts/gguf-synth.ts <${Object.keys(SHAPES).join('|')}> <${Object.keys(GGML).join('|')}> out.gguf [--sparse] [--seed N]\n`);
    process.exit(2);
  }
  const seedAt = rest.indexOf('--seed');
  const size = await writeSynthGguf(out, spec, type as SynthType, { sparse: rest.includes('--sparse'), seed: seedAt >= 0 ? Number(rest[seedAt + 1]) : 1 });
  process.stdout.write(`${out}: ${size} bytes\n`);
}
