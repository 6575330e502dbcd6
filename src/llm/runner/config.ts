/**
 * A model's hyperparameters, read from GGUF metadata alone (`{arch}.block_count`, `embedding_length`,
 * …), and the family table: what each supported architecture does differently. An architecture not in
 * the table is refused with a KilnError naming it and the piece Kiln lacks to run it.
 */
import { KilnError } from '../../engine/errors.js';
import type { GgufMetadata } from '../../formats/gguf/index.js';
import type { RopeParams } from '../../engine/llm-kernels.js';

export interface Family {
  /** RoPE pairing: llama.cpp's "normal" (adjacent pairs) or NeoX (halves). */
  readonly rope: 'normal' | 'neox';
  /** FFN gate activation. */
  readonly act: 'silu' | 'gelu';
  /** Per-head RMS norms on q and k before RoPE (Qwen3). */
  readonly qkNorm?: boolean;
  /** Norms on the attention and FFN outputs before the residual add (Gemma 2). */
  readonly postNorms?: boolean;
  /** Embeddings scaled by sqrt(hidden) (Gemma). */
  readonly embedScale?: boolean;
  /** Which layers use the sliding window, when the model has one (`attention.sliding_window`). */
  readonly slidingLayers?: (layer: number) => boolean;
  /** Logit soft-capping keys read from metadata (Gemma 2). */
  readonly softcap?: boolean;
}

export const FAMILIES: Readonly<Record<string, Family>> = {
  llama: { rope: 'normal', act: 'silu' },
  qwen2: { rope: 'neox', act: 'silu' },
  qwen3: { rope: 'neox', act: 'silu', qkNorm: true },
  phi3: { rope: 'neox', act: 'silu', slidingLayers: () => true },
  gemma: { rope: 'neox', act: 'gelu', embedScale: true },
  gemma2: { rope: 'neox', act: 'gelu', embedScale: true, postNorms: true, softcap: true, slidingLayers: (l) => l % 2 === 0 },
};

/** What Kiln would need for architectures people ask about, for the error message. */
const MISSING: Readonly<Record<string, string>> = {
  gemma3: 'Gemma 3 blocks (local/global RoPE bases, q/k norms, 5:1 sliding pattern)',
  qwen2moe: 'mixture-of-experts FFN routing',
  qwen3moe: 'mixture-of-experts FFN routing',
  mixtral: 'mixture-of-experts FFN routing',
  deepseek2: 'multi-head latent attention and mixture-of-experts FFN',
  phi2: 'parallel attention/FFN blocks with LayerNorm and a biased GELU FFN',
  gpt2: 'learned position embeddings and LayerNorm/GELU blocks',
  falcon: 'parallel attention/FFN blocks with LayerNorm',
  mamba: 'selective state-space (SSM) layers',
  rwkv6: 'RWKV time-mix recurrence',
  bert: 'an encoder-only model (no causal language-model head)',
  'nomic-bert': 'an encoder-only model (no causal language-model head)',
  t5: 'an encoder-decoder model',
  starcoder2: 'LayerNorm blocks with biased GELU FFN',
};

/** The rope parameters the kernels take (minus per-model frequency factors), plus the scaling kind's name. */
export interface RopeConfig extends Omit<RopeParams, 'freqFactors'> {
  readonly scaling: string;
}

export interface ModelConfig {
  readonly arch: string;
  readonly family: Family;
  readonly name?: string;
  readonly layers: number;
  readonly hidden: number;
  readonly ff: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly eps: number;
  readonly contextTrain: number;
  readonly rope: RopeConfig;
  readonly attnScale: number;
  readonly attnSoftcap?: number;
  readonly finalSoftcap?: number;
  readonly slidingWindow?: number;
}

export function supportedArchitectures(): string[] {
  return Object.keys(FAMILIES);
}

/** The architecture's family, or a KilnError naming it and what is missing. */
export function familyOf(arch: string): Family {
  const f = FAMILIES[arch];
  if (f) return f;
  const missing = MISSING[arch] ?? `a transformer definition for '${arch}' (its block structure and tensor names)`;
  throw new KilnError('E_OP_UNSUPPORTED', `GGUF architecture '${arch}' is not supported: Kiln's LLM runner lacks ${missing}; it runs ${supportedArchitectures().join(', ')}`, { key: 'general.architecture', arch });
}

function positive(meta: GgufMetadata, key: string, fallback?: number): number {
  const e = meta.entries.get(key);
  if (e && e.type === 'array') throw new KilnError('E_OP_UNSUPPORTED', `GGUF metadata '${key}' is per-layer (an array); Kiln's runner needs one value for all layers`, { key });
  const v = e ? meta.optNumber(key) : fallback;
  if (v === undefined) throw new KilnError('E_MODEL_INVALID', `GGUF metadata '${key}' is missing; the runner needs it`, { key });
  if (!(Number.isInteger(v) && v > 0)) throw new KilnError('E_MODEL_INVALID', `GGUF metadata '${key}' must be a positive integer, got ${v}`, { key });
  return v;
}

export function readConfig(meta: GgufMetadata): ModelConfig {
  const arch = meta.optString('general.architecture');
  if (arch === undefined) throw new KilnError('E_MODEL_INVALID', "GGUF metadata 'general.architecture' is missing: this is not a model file Kiln can run", { key: 'general.architecture' });
  const family = familyOf(arch);
  const k = (s: string) => `${arch}.${s}`;
  const layers = positive(meta, k('block_count'));
  const hidden = positive(meta, k('embedding_length'));
  const ff = positive(meta, k('feed_forward_length'));
  const heads = positive(meta, k('attention.head_count'));
  const kvHeads = positive(meta, k('attention.head_count_kv'), heads);
  const headDim = positive(meta, k('attention.key_length'), hidden % heads === 0 ? hidden / heads : undefined);
  const valueDim = positive(meta, k('attention.value_length'), headDim);
  if (valueDim !== headDim) throw new KilnError('E_OP_UNSUPPORTED', `${arch}: value heads of ${valueDim} differ from key heads of ${headDim}; the runner needs them equal`, { key: k('attention.value_length') });
  if (heads % kvHeads !== 0) throw new KilnError('E_MODEL_INVALID', `${arch}: ${heads} attention heads are not a multiple of ${kvHeads} KV heads`, { key: k('attention.head_count_kv') });
  const eps = meta.optNumber(k('attention.layer_norm_rms_epsilon')) ?? 1e-5;
  const contextTrain = positive(meta, k('context_length'));
  const rope = readRope(meta, arch, family, headDim, contextTrain);
  const swa = meta.optNumber(k('attention.sliding_window'));
  const softcap = (key: string) => {
    const v = family.softcap ? meta.optNumber(k(key)) : undefined;
    return v !== undefined && v > 0 ? v : undefined;
  };
  return {
    arch, family, name: meta.optString('general.name'), layers, hidden, ff, heads, kvHeads, headDim, eps, contextTrain, rope,
    attnScale: 1 / Math.sqrt(arch === 'gemma2' && layers === 46 ? hidden / heads : headDim),
    attnSoftcap: softcap('attn_logit_softcapping'),
    finalSoftcap: softcap('final_logit_softcapping'),
    slidingWindow: family.slidingLayers && swa !== undefined && swa > 0 ? swa : undefined,
  };
}

function readRope(meta: GgufMetadata, arch: string, family: Family, headDim: number, contextTrain: number): RopeConfig {
  const k = (s: string) => `${arch}.${s}`;
  const dims = meta.optNumber(k('rope.dimension_count')) ?? headDim;
  if (!(Number.isInteger(dims) && dims > 0 && dims <= headDim && dims % 2 === 0)) {
    throw new KilnError('E_MODEL_INVALID', `${arch}: rope.dimension_count ${dims} must be even and at most the head size ${headDim}`, { key: k('rope.dimension_count') });
  }
  const scaling = meta.optString(k('rope.scaling.type')) ?? 'none';
  const factor = meta.optNumber(k('rope.scaling.factor')) ?? meta.optNumber(k('rope.scale_linear')) ?? 1;
  if (!['none', 'linear', 'yarn', 'longrope'].includes(scaling)) {
    throw new KilnError('E_OP_UNSUPPORTED', `${arch}: rope.scaling.type '${scaling}' is not supported (none, linear, yarn, longrope)`, { key: k('rope.scaling.type') });
  }
  const scaled = (scaling === 'linear' || scaling === 'yarn' || (scaling === 'none' && factor !== 1)) && factor > 0;
  return {
    mode: family.rope,
    dims,
    freqBase: meta.optNumber(k('rope.freq_base')) ?? 10000,
    freqScale: scaled ? 1 / factor : 1,
    extFactor: scaling === 'yarn' ? 1 : 0,
    attnFactor: meta.optNumber(k('rope.scaling.attn_factor')) ?? 1,
    betaFast: meta.optNumber(k('rope.scaling.yarn_beta_fast')) ?? 32,
    betaSlow: meta.optNumber(k('rope.scaling.yarn_beta_slow')) ?? 1,
    origContext: meta.optNumber(k('rope.scaling.original_context_length')) ?? contextTrain,
    scaling,
  };
}
