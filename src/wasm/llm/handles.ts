/**
 * Handles of the wasm LLM kernels: ranges of the WASM heap. A weight keeps its GGUF bytes as they are
 * (llm.h's type code says how to read them); an activation is rows × cols float32 with a version that
 * every write bumps (so a quantized copy can be reused while the values stay the same); a KV cache is one
 * block, layer l's keys at k + l·layerBytes and values at v + l·layerBytes.
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, type DType } from '../../engine/ir/dtype.js';
import type { KvType, LlmActivation, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';

/** Weight type → code in src/wasm/kernels/llm.h. */
export const LT: Partial<Record<DType, number>> = {
  float32: 0, float16: 1, bfloat16: 2, q4_0: 3, q4_1: 4, q5_0: 5, q5_1: 6, q8_0: 7, q4_k: 8, q5_k: 9, q6_k: 10, q3_k: 11, q2_k: 12,
};

export const WASM_LLM_WEIGHT_TYPES = Object.keys(LT) as DType[];

export const isFloatType = (t: DType): boolean => t === 'float32' || t === 'float16' || t === 'bfloat16';

export class WasmWeight implements LlmWeight {
  readonly code: number;
  readonly bytes: number;
  constructor(readonly name: string, readonly type: DType, readonly rows: number, readonly cols: number, readonly ptr: number) {
    this.code = LT[type]!;
    this.bytes = weightBytes(type, rows, cols);
  }
}

/** Bytes of a rows × cols weight of this type, or a KilnError naming what does not fit. */
export function weightBytes(type: DType, rows: number, cols: number, name = 'weight'): number {
  if (LT[type] === undefined) {
    throw new KilnError('E_TYPE_UNSUPPORTED', `weight '${name}' has type ${type}, which the wasm LLM kernels do not take (they take ${WASM_LLM_WEIGHT_TYPES.join(', ')})`, { tensor: name, type });
  }
  const info = DTYPES[type];
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || cols % info.blockSize !== 0) {
    throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} is not a valid ${type} matrix (rows of whole ${info.blockSize}-value blocks)`, { tensor: name });
  }
  return rows * (cols / info.blockSize) * info.bytesPerBlock;
}

export class WasmActivation implements LlmActivation {
  /** Bumped by every op that writes it. */
  version = 0;
  constructor(readonly rows: number, readonly cols: number, readonly ptr: number) {}
  get bytes(): number {
    return this.rows * this.cols * 4;
  }
}

export class WasmKvCache implements LlmKvCache {
  readonly layers: number;
  readonly contextSize: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly type: KvType;
  /** Bytes of one layer's keys (or values). */
  readonly layerBytes: number;
  constructor(d: LlmKvCacheDesc, readonly ptr: number) {
    this.layers = d.layers;
    this.contextSize = d.contextSize;
    this.kvHeads = d.kvHeads;
    this.headDim = d.headDim;
    this.type = d.type;
    this.layerBytes = d.contextSize * d.kvHeads * d.headDim * (d.type === 'f16' ? 2 : 4);
  }
  get bytes(): number {
    return 2 * this.layers * this.layerBytes;
  }
  keys(layer: number): number {
    return this.ptr + 2 * layer * this.layerBytes;
  }
  values(layer: number): number {
    return this.ptr + (2 * layer + 1) * this.layerBytes;
  }
}

/** The size of a KV cache, or a KilnError when it is not a valid one. */
export function kvBytes(d: LlmKvCacheDesc): number {
  const per = d.contextSize * d.kvHeads * d.headDim;
  if (!Number.isSafeInteger(per) || per < 1 || !Number.isInteger(d.layers) || d.layers < 1 || (d.type !== 'f32' && d.type !== 'f16')) {
    throw new KilnError('E_INPUT_INVALID', `KV cache of ${d.layers} layers × ${d.contextSize} positions × ${d.kvHeads} × ${d.headDim} (${d.type}) is not a valid size`);
  }
  return 2 * d.layers * per * (d.type === 'f16' ? 2 : 4);
}

export function asWeight(h: LlmWeight): WasmWeight {
  if (!(h instanceof WasmWeight)) throw new KilnError('E_INPUT_INVALID', `weight '${h.name}' belongs to another backend`);
  return h;
}

export function asAct(h: LlmActivation, n: number, what: string): WasmActivation {
  if (!(h instanceof WasmActivation)) throw new KilnError('E_INPUT_INVALID', `${what}: activation belongs to another backend`);
  if (!Number.isInteger(n) || n < 0 || n > h.rows) throw new KilnError('E_INPUT_INVALID', `${what}: ${n} rows asked of an activation of ${h.rows}`);
  return h;
}

export function asCache(h: LlmKvCache): WasmKvCache {
  if (!(h instanceof WasmKvCache)) throw new KilnError('E_INPUT_INVALID', 'KV cache belongs to another backend');
  return h;
}

export function checkCols(what: string, a: { cols: number }, want: number): void {
  if (a.cols !== want) throw new KilnError('E_SHAPE_MISMATCH', `${what}: ${a.cols} columns, expected ${want}`);
}
