/**
 * Handles of the wasm LLM kernels: ranges of the WASM heap. A weight keeps its GGUF bytes as they are
 * (llm.h's type code says how to read them); an activation is rows × cols float32 with a version that
 * every write bumps (so a quantized copy can be reused while the values stay the same); a KV cache is one
 * block, layer l's keys at k + l·layerBytes and values at v + l·layerBytes.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { checkKvCache, ownActivation, ownCache, ownWeight, weightRowBytes } from '../../engine/llm-checks.js';
import type { LlmActivation, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';
import { KvCacheBase, kvLayerBytes } from '../../engine/llm-kv-cache.js';

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
  return rows * weightRowBytes(name, type, rows, cols);
}

export class WasmActivation implements LlmActivation {
  /** Bumped by every op that writes it. */
  version = 0;
  constructor(readonly rows: number, readonly cols: number, readonly ptr: number) {}
  get bytes(): number {
    return this.rows * this.cols * 4;
  }
}

export class WasmKvCache extends KvCacheBase {
  constructor(d: LlmKvCacheDesc, readonly ptr: number) {
    super(d);
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
  checkKvCache(d);
  return 2 * d.layers * kvLayerBytes(d);
}

export const asWeight = (h: LlmWeight): WasmWeight => ownWeight(h, WasmWeight);

export const asAct = (h: LlmActivation, n: number, what: string): WasmActivation => ownActivation(h, WasmActivation, n, what);

export const asCache = (h: LlmKvCache): WasmKvCache => ownCache(h, WasmKvCache);
