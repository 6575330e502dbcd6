/**
 * The WebGPU LLM kernels' handles: a weight is its GGUF bytes in one or more GPU regions (split by rows
 * when a tensor is over the device's storage binding limit), an activation is a float32 region, a KV
 * cache is one K and one V region per layer (float32, or f16 pairs packed in u32 words). The weight
 * types the shaders decode (llm-dequant.wgsl) and their shader defines are listed here.
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, type DType } from '../../engine/ir/dtype.js';
import type { KvType, LlmActivation, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';
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
    const info = DTYPES[type];
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || cols % info.blockSize !== 0) {
      throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} is not a valid ${type} matrix (rows of whole ${info.blockSize}-value blocks)`, { tensor: name });
    }
    this.rowBytes = (cols / info.blockSize) * info.bytesPerBlock;
    if (dataBytes !== rows * this.rowBytes) {
      throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} ${type} needs ${rows * this.rowBytes} bytes, got ${dataBytes}`, { tensor: name });
    }
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

export class GpuKvCache implements LlmKvCache {
  readonly layers: number;
  readonly contextSize: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly type: KvType;
  constructor(d: LlmKvCacheDesc, readonly k: Region[], readonly v: Region[]) {
    this.layers = d.layers;
    this.contextSize = d.contextSize;
    this.kvHeads = d.kvHeads;
    this.headDim = d.headDim;
    this.type = d.type;
  }
  get bytes(): number {
    return kvLayerBytes(this) * 2 * this.layers;
  }
}

export const kvLayerBytes = (d: LlmKvCacheDesc): number => d.contextSize * d.kvHeads * d.headDim * (d.type === 'f16' ? 2 : 4);

export function asWeight(h: LlmWeight): GpuWeight {
  if (!(h instanceof GpuWeight)) throw new KilnError('E_INPUT_INVALID', `weight '${h.name}' belongs to another backend`);
  if (h.parts.length === 0) throw new KilnError('E_INPUT_INVALID', `weight '${h.name}' was freed`);
  return h;
}

export function asAct(h: LlmActivation, n: number, what: string): GpuActivation {
  if (!(h instanceof GpuActivation)) throw new KilnError('E_INPUT_INVALID', `${what}: activation belongs to another backend`);
  if (!Number.isInteger(n) || n < 0 || n > h.rows) throw new KilnError('E_INPUT_INVALID', `${what}: ${n} rows asked of an activation of ${h.rows}`);
  return h;
}

export function asCache(h: LlmKvCache): GpuKvCache {
  if (!(h instanceof GpuKvCache)) throw new KilnError('E_INPUT_INVALID', 'KV cache belongs to another backend');
  return h;
}

export function checkCols(what: string, a: { cols: number }, want: number): void {
  if (a.cols !== want) throw new KilnError('E_SHAPE_MISMATCH', `${what}: ${a.cols} columns, expected ${want}`);
}
