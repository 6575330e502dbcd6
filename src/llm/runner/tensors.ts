/**
 * Which GGUF tensors a model needs, by llama.cpp's names, with the shape each must have. Fused tensors
 * (Phi-3's attn_qkv and gate+up ffn_up) are split into row ranges here: a row of a GGUF matrix is
 * contiguous bytes in every type, so a split is a byte range and costs nothing. A missing tensor or a
 * shape that disagrees with the metadata is a KilnError naming the tensor.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import type { GgufTensorInfo } from '../../formats/gguf/index.js';
import type { ModelConfig } from './config.js';

/** One weight to upload: rows [rowOffset, rowOffset + rows) of a stored tensor. */
export interface WeightSpec {
  readonly tensor: string;
  readonly type: DType;
  readonly rows: number;
  readonly cols: number;
  readonly rowOffset: number;
  /** Bytes of the part uploaded. */
  readonly bytes: number;
}

export interface LayerWeights<W> {
  attnNorm: W; q: W; k: W; v: W; o: W;
  qBias?: W; kBias?: W; vBias?: W; oBias?: W;
  qNorm?: W; kNorm?: W; postAttnNorm?: W;
  ffnNorm: W; gate: W; up: W; down: W; postFfnNorm?: W;
}

export interface ModelWeights<W> {
  embed: W;
  outputNorm: W;
  /** The LM head; the same spec as `embed` when the model ties them (no output.weight). */
  output: W;
  ropeFactors?: W;
  layers: LayerWeights<W>[];
}

export interface TensorSource {
  hasTensor(name: string): boolean;
  tensorInfo(name: string): GgufTensorInfo;
}

const dimsOf = (t: GgufTensorInfo): [number, number] => (t.shape.length === 1 ? [1, t.shape[0]!] : [t.shape[0]!, t.shape[1] ?? 1]);

class Planner {
  constructor(private readonly src: TensorSource) {}

  has(name: string): boolean {
    return this.src.hasTensor(name);
  }

  /** A matrix (rows × cols) or a vector (rows = 1) named `name`, optionally a row range of it. */
  get(name: string, rows: number, cols: number, part?: { offset: number; of: number; what: string }): WeightSpec {
    if (!this.src.hasTensor(name)) throw new KilnError('E_MODEL_INVALID', `the model has no tensor '${name}', which its architecture needs`, { tensor: name });
    const t = this.src.tensorInfo(name);
    const [r, c] = dimsOf(t);
    const wantRows = part ? part.of : rows;
    if (t.shape.length > 2 || r !== wantRows || c !== cols) {
      const want = wantRows === 1 ? `[${cols}]` : `[${wantRows}, ${cols}]`;
      throw new KilnError('E_SHAPE_MISMATCH', `tensor '${name}' has shape [${t.shape.join(', ')}], but the metadata implies ${want}${part ? ` (${part.what})` : ''}`, { tensor: name });
    }
    const rowBytes = t.byteLength / r;
    return { tensor: name, type: t.type, rows, cols, rowOffset: part?.offset ?? 0, bytes: rowBytes * rows };
  }

  opt(name: string, rows: number, cols: number): WeightSpec | undefined {
    return this.has(name) ? this.get(name, rows, cols) : undefined;
  }
}

/** The weights of `cfg` in `src`, checked. `contextSize` picks Phi-3's long or short RoPE factors. */
export function planWeights(cfg: ModelConfig, src: TensorSource, contextSize: number): ModelWeights<WeightSpec> {
  const p = new Planner(src);
  const { hidden, ff, heads, kvHeads, headDim } = cfg;
  if (!p.has('token_embd.weight')) throw new KilnError('E_MODEL_INVALID', "the model has no tensor 'token_embd.weight' (token embeddings)", { tensor: 'token_embd.weight' });
  const embInfo = src.tensorInfo('token_embd.weight');
  const vocab = dimsOf(embInfo)[0];
  const embed = p.get('token_embd.weight', vocab, hidden);
  const qRows = heads * headDim;
  const kvRows = kvHeads * headDim;
  const layers: LayerWeights<WeightSpec>[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const b = (s: string) => `blk.${l}.${s}`;
    let q: WeightSpec, k: WeightSpec, v: WeightSpec;
    if (!p.has(b('attn_q.weight')) && p.has(b('attn_qkv.weight'))) {
      const of = qRows + 2 * kvRows;
      q = p.get(b('attn_qkv.weight'), qRows, hidden, { offset: 0, of, what: 'fused q, k, v' });
      k = p.get(b('attn_qkv.weight'), kvRows, hidden, { offset: qRows, of, what: 'fused q, k, v' });
      v = p.get(b('attn_qkv.weight'), kvRows, hidden, { offset: qRows + kvRows, of, what: 'fused q, k, v' });
    } else {
      q = p.get(b('attn_q.weight'), qRows, hidden);
      k = p.get(b('attn_k.weight'), kvRows, hidden);
      v = p.get(b('attn_v.weight'), kvRows, hidden);
    }
    let gate: WeightSpec, up: WeightSpec;
    if (!p.has(b('ffn_gate.weight')) && p.has(b('ffn_up.weight')) && dimsOf(src.tensorInfo(b('ffn_up.weight')))[0] === 2 * ff) {
      gate = p.get(b('ffn_up.weight'), ff, hidden, { offset: 0, of: 2 * ff, what: 'fused gate and up' });
      up = p.get(b('ffn_up.weight'), ff, hidden, { offset: ff, of: 2 * ff, what: 'fused gate and up' });
    } else {
      gate = p.get(b('ffn_gate.weight'), ff, hidden);
      up = p.get(b('ffn_up.weight'), ff, hidden);
    }
    const layer: LayerWeights<WeightSpec> = {
      attnNorm: p.get(b('attn_norm.weight'), 1, hidden),
      q, k, v,
      o: p.get(b('attn_output.weight'), hidden, qRows),
      qBias: p.opt(b('attn_q.bias'), 1, qRows),
      kBias: p.opt(b('attn_k.bias'), 1, kvRows),
      vBias: p.opt(b('attn_v.bias'), 1, kvRows),
      oBias: p.opt(b('attn_output.bias'), 1, hidden),
      ffnNorm: p.get(b('ffn_norm.weight'), 1, hidden),
      gate, up,
      down: p.get(b('ffn_down.weight'), hidden, ff),
    };
    if (cfg.family.qkNorm) {
      layer.qNorm = p.get(b('attn_q_norm.weight'), 1, headDim);
      layer.kNorm = p.get(b('attn_k_norm.weight'), 1, headDim);
    }
    if (cfg.family.postNorms) {
      layer.postAttnNorm = p.get(b('post_attention_norm.weight'), 1, hidden);
      layer.postFfnNorm = p.get(b('post_ffw_norm.weight'), 1, hidden);
    }
    for (const w of [layer.attnNorm, layer.ffnNorm, layer.qNorm, layer.kNorm, layer.postAttnNorm, layer.postFfnNorm, layer.qBias, layer.kBias, layer.vBias, layer.oBias]) {
      if (w && w.type !== 'float32') throw new KilnError('E_TYPE_UNSUPPORTED', `tensor '${w.tensor}' is ${w.type}; norm weights and biases must be float32`, { tensor: w.tensor });
    }
    layers.push(layer);
  }
  const long = contextSize > cfg.rope.origContext;
  const factorName = ['rope_freqs.weight', long ? 'rope_factors_long.weight' : 'rope_factors_short.weight'].find((n) => p.has(n));
  return {
    embed,
    outputNorm: p.get('output_norm.weight', 1, hidden),
    output: p.has('output.weight') ? p.get('output.weight', vocab, hidden) : embed,
    ropeFactors: factorName ? p.get(factorName, 1, cfg.rope.dims / 2) : undefined,
    layers,
  };
}

/** Every distinct spec of a plan (the tied output counted once). */
export function allSpecs(w: ModelWeights<WeightSpec>): WeightSpec[] {
  const out = new Set<WeightSpec>([w.embed, w.outputNorm, w.output]);
  if (w.ropeFactors) out.add(w.ropeFactors);
  for (const l of w.layers) for (const s of Object.values(l)) if (s) out.add(s as WeightSpec);
  return [...out];
}

/** Bytes of all the weights a plan uploads. */
export const weightBytes = (w: ModelWeights<WeightSpec>): number => allSpecs(w).reduce((s, x) => s + x.bytes, 0);

/** Rows of the token embedding: the vocabulary size of the logits. */
export const vocabSize = (w: ModelWeights<WeightSpec>): number => w.embed.rows;
