/**
 * The part of a KV cache handle every backend's LlmKvCache shares: its shape (checked), the bytes of one
 * layer's keys (or values) and the bytes of the whole. A backend's class extends it with its storage.
 */
import { checkKvCache } from './llm-checks.js';
import type { KvType, LlmKvCache, LlmKvCacheDesc } from './llm-kernels.js';

/** Bytes of one layer's keys (or values): contextSize positions × kvHeads × headDim elements. */
export const kvLayerBytes = (d: LlmKvCacheDesc): number => d.contextSize * d.kvHeads * d.headDim * (d.type === 'f16' ? 2 : 4);

export abstract class KvCacheBase implements LlmKvCache {
  readonly layers: number;
  readonly contextSize: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly type: KvType;
  /** Bytes of one layer's keys (or values). */
  readonly layerBytes: number;

  constructor(d: LlmKvCacheDesc) {
    checkKvCache(d);
    this.layers = d.layers;
    this.contextSize = d.contextSize;
    this.kvHeads = d.kvHeads;
    this.headDim = d.headDim;
    this.type = d.type;
    this.layerBytes = kvLayerBytes(d);
  }

  get bytes(): number {
    return 2 * this.layers * this.layerBytes;
  }
}
