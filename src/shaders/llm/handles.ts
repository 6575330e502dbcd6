/**
 * The WebGPU LLM kernels' handles: a weight is its GGUF bytes in one or more GPU regions (split by rows
 * when a tensor is over the device's storage binding limit), an activation is a float32 region, a KV
 * cache is one K and one V region per layer (float32, or f16 pairs packed in u32 words). The weight
 * types the shaders decode (llm-dequant.wgsl) and their shader defines are listed here.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { checkWeightBytes, ownActivation, ownCache, ownWeight, weightRowBytes } from '../../engine/llm-checks.js';
import type { LlmActivation, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';
import { KvCacheBase } from '../../engine/llm-kv-cache.js';
import type { Region } from '../buffer-pool.js';

/** Weight type → the llm-dequant.wgsl define that decodes it. */
export const WEIGHT_DEFINES: Readonly<Partial<Record<DType, string>>> = {
  float32: 'WT_F32', float16: 'WT_F16', bfloat16: 'WT_BF16',
  q8_0: 'WT_Q8_0', q4_0: 'WT_Q4_0', q4_1: 'WT_Q4_1', q5_0: 'WT_Q5_0', q5_1: 'WT_Q5_1',
  q2_k: 'WT_Q2_K', q3_k: 'WT_Q3_K', q4_k: 'WT_Q4_K', q5_k: 'WT_Q5_K', q6_k: 'WT_Q6_K',
};

export const GPU_WEIGHT_TYPES: readonly DType[] = Object.keys(WEIGHT_DEFINES) as DType[];

/** Rows row0 … row0+rows-1 of a weight, in one region. */
export interface WeightPart {
  readonly region: Region;
  readonly row0: number;
  readonly rows: number;
}

export class GpuWeight implements LlmWeight {
  readonly rowBytes: number;
  readonly define: string;
  readonly parts: WeightPart[] = [];
  /** A host copy of small float32 vectors (rope frequency factors are read on the host). */
  host: Float32Array | undefined;

  constructor(readonly name: string, readonly type: DType, readonly rows: number, readonly cols: number, dataBytes: number) {
    const define = WEIGHT_DEFINES[type];
    if (!define) {
      throw new KilnError('E_TYPE_UNSUPPORTED', `weight '${name}' has type ${type}, which the WebGPU LLM kernels do not decode (they take ${GPU_WEIGHT_TYPES.join(', ')})`, { tensor: name, type });
    }
    this.define = define;
    this.rowBytes = weightRowBytes(name, type, rows, cols);
    checkWeightBytes(name, type, rows, cols, dataBytes);
  }

  get bytes(): number {
    return this.rows * this.rowBytes;
  }

  /** The part holding row r, and r's index within it. */
  locate(r: number): { part: WeightPart; index: number; local: number } {
    for (let i = 0; i < this.parts.length; i++) {
      const p = this.parts[i]!;
      if (r >= p.row0 && r < p.row0 + p.rows) return { part: p, index: i, local: r - p.row0 };
    }
    throw new KilnError('E_INPUT_INVALID', `row ${r} is outside weight '${this.name}' (${this.rows} rows)`);
  }
}

export class GpuActivation implements LlmActivation {
  constructor(readonly rows: number, readonly cols: number, readonly region: Region) {}
  get bytes(): number {
    return this.rows * this.cols * 4;
  }
}

export class GpuKvCache extends KvCacheBase {
  constructor(d: LlmKvCacheDesc, readonly k: Region[], readonly v: Region[]) {
    super(d);
  }
}

export function asWeight(h: LlmWeight): GpuWeight {
  const w = ownWeight(h, GpuWeight);
  if (w.parts.length === 0) throw new KilnError('E_INPUT_INVALID', `weight '${h.name}' was freed`);
  return w;
}

export const asAct = (h: LlmActivation, n: number, what: string): GpuActivation => ownActivation(h, GpuActivation, n, what);

export const asCache = (h: LlmKvCache): GpuKvCache => ownCache(h, GpuKvCache);
