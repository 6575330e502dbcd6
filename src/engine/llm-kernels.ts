/**
 * LlmKernels: what the LLM runner (src/llm) asks of a backend. It is an optional capability of a
 * Backend (`backend.llm`), separate from the ONNX op kernels: a decoder-only transformer needs about ten
 * operations, and running them through the graph executor would cost a host round trip per op.
 *
 * The contract, for whoever implements it (reference: src/reference/llm; wasm; webgpu):
 *
 * - Handles. Weights, activations and KV caches are opaque objects the backend allocates and owns (a
 *   range of the WASM heap, a GPUBuffer, a typed array). The runner never looks inside them; it only reads
 *   the descriptive fields declared below.
 * - Weights stay in their GGUF type. `weight()` receives the stored bytes of one tensor (a matrix of
 *   `rows` × `cols`, row r being output feature r, or a vector with rows = 1) and copies them into backend
 *   memory as they are: no f32 copy of a quantized weight, ever. The runner streams tensors one at a time
 *   and drops its own copy after each call, so peak memory stays ≈ model + KV cache + scratch.
 *   `info.weightTypes` lists the types `matmul` and `embed` accept; norm weights, biases and rope
 *   frequency factors are always float32 (GGUF stores them so).
 * - Activations are float32 matrices of `rows` (a capacity: the largest batch) × `cols`. Every op gets
 *   `n`, the number of rows (tokens) it works on this time, starting at row 0.
 * - Ops enqueue and return nothing. Only `read` and `argmax` return data, as Promises: a WebGPU backend
 *   records ops into one command encoder and submits at a read; a wasm backend runs each op at once.
 *   Nothing else crosses to the host during a forward pass, apart from the token ids given to `embed`.
 * - In-place use is allowed where stated (norm's `out` may be `x`, add's `out` may be `a`, gated's `out`
 *   may be `gate`; rope works in place); otherwise inputs and outputs are distinct handles.
 * - Numerics: the reference computes in float32 storage with float64 accumulation, weights dequantized
 *   exactly as ggml's to_float does. A fast backend may quantize activations to 8 bits for quantized
 *   matmuls (as llama.cpp does) and keep the KV cache in f16; its results are compared with a tolerance.
 * - Errors: anything the caller can cause (an unsupported weight type, a batch over capacity, a position
 *   past the cache) throws KilnError; device loss throws KilnError('E_DEVICE_LOST').
 */
import type { DType } from './ir/dtype.js';

export type KvType = 'f32' | 'f16';

export interface LlmWeight {
  readonly name: string;
  readonly type: DType;
  readonly rows: number;
  readonly cols: number;
  /** Bytes the backend holds for it. */
  readonly bytes: number;
}

export interface LlmActivation {
  readonly rows: number;
  readonly cols: number;
}

export interface LlmKvCacheDesc {
  readonly layers: number;
  /** Positions it holds; attention positions run 0 … contextSize-1. */
  readonly contextSize: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly type: KvType;
}

export interface LlmKvCache extends LlmKvCacheDesc {
  readonly bytes: number;
}

export interface LlmKernelInfo {
  /** Weight types `matmul` and `embed` accept (float32 always included). */
  readonly weightTypes: readonly DType[];
  /** KV cache element types it offers, best first ('f16' only where it is native, e.g. shader-f16). */
  readonly kvTypes: readonly KvType[];
  /** Largest single weight, activation or cache layer in bytes (WebGPU: maxStorageBufferBindingSize). */
  readonly maxBufferBytes: number;
  /**
   * The kernels run on a software emulation of the device (a fallback WebGPU adapter such as
   * SwiftShader): correct, but far slower than the CPU kernels, so backend choice tries them last.
   */
  readonly software?: boolean;
}

/** RoPE as ggml_rope_ext defines it, YaRN included; see src/engine/llm-rope.ts for the formula. */
export interface RopeParams {
  /** 'normal' rotates pairs (2i, 2i+1) (llama); 'neox' rotates (i, i + dims/2) (qwen2, phi3, gemma). */
  readonly mode: 'normal' | 'neox';
  /** Leading dims of each head that rotate (rope.dimension_count); the rest pass through. */
  readonly dims: number;
  readonly freqBase: number;
  /** 1 / rope.scaling.factor for linear and YaRN scaling, else 1. */
  readonly freqScale: number;
  /** YaRN extrapolation mix (1 for YaRN, else 0). */
  readonly extFactor: number;
  /** Multiplies cos and sin (YaRN/LongRoPE attention factor; 1 otherwise). */
  readonly attnFactor: number;
  readonly betaFast: number;
  readonly betaSlow: number;
  /** rope.scaling.original_context_length (YaRN). */
  readonly origContext: number;
  /** dims/2 float32 divisors of each frequency (Llama 3.1 rope_freqs, Phi-3 LongRoPE factors). */
  readonly freqFactors?: LlmWeight;
}

/** The arguments of LlmKernels.attention. */
export interface LlmAttentionArgs {
  q: LlmActivation; k: LlmActivation; v: LlmActivation; cache: LlmKvCache; layer: number;
  n: number; pos: number; heads: number; kvHeads: number; headDim: number;
  scale: number; softcap?: number; window?: number; out: LlmActivation;
}

export interface LlmKernels {
  readonly info: LlmKernelInfo;

  /** Copies one tensor's stored bytes (type, rows × cols) into backend memory. */
  weight(desc: { name: string; type: DType; rows: number; cols: number; data: Uint8Array }): LlmWeight | Promise<LlmWeight>;
  /** A float32 activation of `rows` × `cols`, contents undefined. */
  activation(rows: number, cols: number): LlmActivation;
  /** A KV cache for every layer, preallocated for the whole context. */
  kvCache(desc: LlmKvCacheDesc): LlmKvCache;
  /** Frees one handle (weights on unload, activations when the batch size changes). */
  free(h: LlmWeight | LlmActivation | LlmKvCache): void;

  /** out[i] = table[tokens[i]] · scale (scale defaults to 1); n = tokens.length. */
  embed(a: { table: LlmWeight; tokens: Int32Array; out: LlmActivation; scale?: number }): void;
  /**
   * Normalizes each group of `weight.cols` consecutive values in rows 0…n-1 of x (x.cols is a multiple:
   * one group per row for the model's norms, one per head for Qwen3's q/k norms), then multiplies by
   * weight (and adds bias). 'rms': v / sqrt(mean(v²) + eps). 'layer': (v - mean) / sqrt(var + eps).
   * out may be x.
   */
  norm(a: { kind: 'rms' | 'layer'; x: LlmActivation; weight: LlmWeight; bias?: LlmWeight; eps: number; out: LlmActivation; n: number }): void;
  /**
   * out[i, r] (+)= Σ_c x[i, c] · w[r, c] + bias[r], for rows i < n. x.cols = w.cols, out.cols = w.rows.
   * `accumulate` adds into out (the residual connection) instead of overwriting it.
   */
  matmul(a: { w: LlmWeight; x: LlmActivation; out: LlmActivation; n: number; bias?: LlmWeight; accumulate?: boolean }): void;
  /** Rotates, in place, the `heads` heads of `headDim` values in rows 0…n-1 of x; row i is position pos + i. */
  rope(a: { x: LlmActivation; n: number; pos: number; heads: number; headDim: number } & RopeParams): void;
  /**
   * Stores k, v rows 0…n-1 (kvHeads × headDim each) at positions pos…pos+n-1 of layer `layer` of the
   * cache, then causal attention: query row i (position p = pos + i, heads × headDim) attends to cache
   * positions t ≤ p (and t > p - window when window is set), query head h to KV head
   * h / (heads / kvHeads). Scores are q·k · scale, then softcap·tanh(s / softcap) when softcap is set,
   * then softmax. out row i = heads × headDim.
   */
  attention(a: LlmAttentionArgs): void;
  /** out = a + b over rows 0…n-1 (out may be a). */
  add(a: { a: LlmActivation; b: LlmActivation; out: LlmActivation; n: number }): void;
  /** out = act(gate) · up over rows 0…n-1 (out may be gate); 'gelu' is the tanh approximation (ggml_gelu). */
  gated(a: { act: 'silu' | 'gelu'; gate: LlmActivation; up: LlmActivation; out: LlmActivation; n: number }): void;
  /** Copies n rows of src from srcRow into dst from dstRow (same cols). */
  copyRows(a: { src: LlmActivation; srcRow: number; dst: LlmActivation; dstRow: number; n: number }): void;

  /** Rows row…row+n-1 of x, as float32 (row-major). Flushes queued work. */
  read(x: LlmActivation, row: number, n: number): Promise<Float32Array>;
  /** Index of the largest value of each of rows row…row+n-1 (first one on ties). Flushes queued work. */
  argmax(x: LlmActivation, row: number, n: number): Promise<Int32Array>;

  /** Bytes held now, and the most held at once since creation. */
  memory(): { weights: number; kv: number; activations: number; peak: number };
  /** Frees everything. */
  dispose(): void;
}
