/**
 * The decoder-only transformer forward pass over LlmKernels. One `eval(tokens, pos)` runs the tokens
 * through every layer in batches of up to `batchSize` (batched prefill; decode is a batch of one),
 * writing their keys and values into the preallocated KV cache, and leaves the last token's logits in
 * a backend activation. Only `logits()` or `argmax()` bring data back to the host.
 *
 * Per layer (pre-norm residual blocks; Gemma 2 adds the post norms):
 *   h = norm(x) · attn_norm;  q, k, v = h·Wq (+b), h·Wk (+b), h·Wv (+b);  [Qwen3: per-head norms on q, k]
 *   rope(q), rope(k);  a = attention(q, k, v over the cache);  x += [post_norm](a·Wo)
 *   h = norm(x) · ffn_norm;  x += [post_norm](act(h·Wgate) ⊙ (h·Wup) · Wdown)
 * then logits = (norm(x_last) · output_norm) · Woutᵀ.
 */
import { KilnError } from '../../engine/errors.js';
import type { KvType, LlmActivation, LlmKernels, LlmKvCache, LlmWeight, RopeParams } from '../../engine/llm-kernels.js';
import type { ModelConfig } from './config.js';
import type { ModelWeights } from './tensors.js';

export interface TransformerOptions {
  contextSize: number;
  kvType: KvType;
  batchSize: number;
}

interface Acts {
  x: LlmActivation; h: LlmActivation; q: LlmActivation; k: LlmActivation; v: LlmActivation;
  att: LlmActivation; gate: LlmActivation; up: LlmActivation; tmp?: LlmActivation;
  last: LlmActivation; logits: LlmActivation;
}

/** Bytes of scratch activations for a batch size (what `Transformer` allocates). */
export function activationBytes(cfg: ModelConfig, vocab: number, batch: number): number {
  const q = cfg.heads * cfg.headDim;
  const kv = cfg.kvHeads * cfg.headDim;
  const perRow = 2 * cfg.hidden + 2 * q + 2 * kv + 2 * cfg.ff + (cfg.family.postNorms ? cfg.hidden : 0);
  return 4 * (batch * perRow + cfg.hidden + vocab);
}

export const kvBytes = (cfg: ModelConfig, contextSize: number, kvType: KvType): number =>
  cfg.layers * 2 * contextSize * cfg.kvHeads * cfg.headDim * (kvType === 'f16' ? 2 : 4);

export class Transformer {
  readonly vocab: number;
  readonly cache: LlmKvCache;
  private readonly acts: Acts;
  private readonly rope: RopeParams;

  constructor(readonly cfg: ModelConfig, readonly w: ModelWeights<LlmWeight>, readonly k: LlmKernels, readonly opts: TransformerOptions) {
    this.vocab = w.embed.rows;
    const { hidden, heads, kvHeads, headDim, ff } = cfg;
    const B = opts.batchSize;
    const a = (rows: number, cols: number) => k.activation(rows, cols);
    this.cache = k.kvCache({ layers: cfg.layers, contextSize: opts.contextSize, kvHeads, headDim, type: opts.kvType });
    this.acts = {
      x: a(B, hidden), h: a(B, hidden), q: a(B, heads * headDim), k: a(B, kvHeads * headDim), v: a(B, kvHeads * headDim),
      att: a(B, heads * headDim), gate: a(B, ff), up: a(B, ff), tmp: cfg.family.postNorms ? a(B, hidden) : undefined,
      last: a(1, hidden), logits: a(1, this.vocab),
    };
    const { scaling: _s, ...rope } = cfg.rope;
    this.rope = { ...rope, freqFactors: w.ropeFactors };
  }

  get contextSize(): number {
    return this.opts.contextSize;
  }

  /** Runs tokens at positions pos…; the logits of the last one are then ready. */
  eval(tokens: readonly number[], pos: number): void {
    if (tokens.length === 0) throw new KilnError('E_INPUT_INVALID', 'nothing to evaluate: no tokens');
    if (pos + tokens.length > this.opts.contextSize) {
      throw new KilnError('E_INPUT_INVALID', `context full: ${pos + tokens.length} tokens do not fit the ${this.opts.contextSize}-token context`);
    }
    for (let at = 0; at < tokens.length; at += this.opts.batchSize) {
      const chunk = tokens.slice(at, at + this.opts.batchSize);
      this.batch(Int32Array.from(chunk), pos + at);
    }
  }

  private batch(tokens: Int32Array, pos: number): void {
    const { cfg, w, k, acts: A } = this;
    const n = tokens.length;
    for (const t of tokens) {
      if (!(Number.isInteger(t) && t >= 0 && t < this.vocab)) throw new KilnError('E_INPUT_INVALID', `token id ${t} is outside the vocabulary (${this.vocab} tokens)`);
    }
    k.embed({ table: w.embed, tokens, out: A.x, scale: cfg.family.embedScale ? Math.sqrt(cfg.hidden) : 1 });
    const rms = (x: LlmActivation, weight: LlmWeight, out: LlmActivation, rows = n) => k.norm({ kind: 'rms', x, weight, eps: cfg.eps, out, n: rows });
    const { heads, kvHeads, headDim } = cfg;
    for (let l = 0; l < cfg.layers; l++) {
      const L = w.layers[l]!;
      rms(A.x, L.attnNorm, A.h);
      k.matmul({ w: L.q, x: A.h, out: A.q, n, bias: L.qBias });
      k.matmul({ w: L.k, x: A.h, out: A.k, n, bias: L.kBias });
      k.matmul({ w: L.v, x: A.h, out: A.v, n, bias: L.vBias });
      if (L.qNorm && L.kNorm) {
        rms(A.q, L.qNorm, A.q);
        rms(A.k, L.kNorm, A.k);
      }
      k.rope({ x: A.q, n, pos, heads, headDim, ...this.rope });
      k.rope({ x: A.k, n, pos, heads: kvHeads, headDim, ...this.rope });
      const window = cfg.slidingWindow && cfg.family.slidingLayers?.(l) ? cfg.slidingWindow : undefined;
      k.attention({ q: A.q, k: A.k, v: A.v, cache: this.cache, layer: l, n, pos, heads, kvHeads, headDim, scale: cfg.attnScale, softcap: cfg.attnSoftcap, window, out: A.att });
      this.residual(L.o, A.att, L.postAttnNorm, n, L.oBias);
      rms(A.x, L.ffnNorm, A.h);
      k.matmul({ w: L.gate, x: A.h, out: A.gate, n });
      k.matmul({ w: L.up, x: A.h, out: A.up, n });
      k.gated({ act: cfg.family.act, gate: A.gate, up: A.up, out: A.gate, n });
      this.residual(L.down, A.gate, L.postFfnNorm, n);
    }
    k.copyRows({ src: A.x, srcRow: n - 1, dst: A.last, dstRow: 0, n: 1 });
    rms(A.last, w.outputNorm, A.last, 1);
    k.matmul({ w: w.output, x: A.last, out: A.logits, n: 1 });
  }

  /** x += [norm](input · W + bias). */
  private residual(wt: LlmWeight, input: LlmActivation, postNorm: LlmWeight | undefined, n: number, bias?: LlmWeight): void {
    const { k, acts: A } = this;
    if (!postNorm) {
      k.matmul({ w: wt, x: input, out: A.x, n, bias, accumulate: true });
      return;
    }
    k.matmul({ w: wt, x: input, out: A.tmp!, n, bias });
    k.norm({ kind: 'rms', x: A.tmp!, weight: postNorm, eps: this.cfg.eps, out: A.tmp!, n });
    k.add({ a: A.x, b: A.tmp!, out: A.x, n });
  }

  /** The last evaluated token's logits (soft-capped where the model says so). */
  async logits(): Promise<Float32Array> {
    const z = await this.k.read(this.acts.logits, 0, 1);
    const cap = this.cfg.finalSoftcap;
    if (cap) for (let i = 0; i < z.length; i++) z[i] = cap * Math.tanh(z[i]! / cap);
    return z;
  }

  /** The last evaluated token's most likely next token (soft-capping keeps the order). */
  async argmax(): Promise<number> {
    return (await this.k.argmax(this.acts.logits, 0, 1))[0]!;
  }

  dispose(): void {
    for (const a of Object.values(this.acts)) if (a) this.k.free(a);
    this.k.free(this.cache);
  }
}
