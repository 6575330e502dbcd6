/**
 * The reference LLM kernels' handles: weights keep the stored GGUF bytes (decoded a row at a time when
 * used), activations are Float32Arrays, the KV cache is one typed array per layer for K and one for V.
 * A tally counts the bytes held and their peak.
 */
import { KilnError } from '../../engine/errors.js';
import type { DType } from '../../engine/ir/dtype.js';
import { checkActivationSize, checkWeightBytes, ownActivation, ownCache, ownWeight, weightRowBytes } from '../../engine/llm-checks.js';
import type { LlmActivation, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';
import { KvCacheBase } from '../../engine/llm-kv-cache.js';
import { rowDecoder, type RowDecoder } from './blocks.js';

export class Tally {
  weights = 0;
  kv = 0;
  activations = 0;
  peak = 0;
  add(kind: 'weights' | 'kv' | 'activations', bytes: number): void {
    this[kind] += bytes;
    this.peak = Math.max(this.peak, this.weights + this.kv + this.activations);
  }
}

export class RefWeight implements LlmWeight {
  readonly rowBytes: number;
  readonly decode: RowDecoder;
  constructor(readonly name: string, readonly type: DType, readonly rows: number, readonly cols: number, readonly data: Uint8Array) {
    this.rowBytes = weightRowBytes(name, type, rows, cols);
    this.decode = rowDecoder(type, name);
    checkWeightBytes(name, type, rows, cols, data.byteLength);
  }

  get bytes(): number {
    return this.data.byteLength;
  }

  /** Row r as float32 values into out (length ≥ cols). */
  row(r: number, out: Float32Array): Float32Array {
    this.decode(this.data, r * this.rowBytes, this.cols, out, 0);
    return out;
  }

  /** The whole tensor as float32 (vectors only: norm weights, biases, rope factors). */
  vector(): Float32Array {
    if (this.rows !== 1) throw new KilnError('E_INTERNAL', `weight '${this.name}' is a matrix, not a vector`);
    return this.row(0, new Float32Array(this.cols));
  }
}

export class RefActivation implements LlmActivation {
  readonly data: Float32Array;
  constructor(readonly rows: number, readonly cols: number) {
    checkActivationSize(rows, cols);
    this.data = new Float32Array(rows * cols);
  }
}

export class RefKvCache extends KvCacheBase {
  readonly k: (Float32Array | Uint16Array)[] = [];
  readonly v: (Float32Array | Uint16Array)[] = [];
  constructor(d: LlmKvCacheDesc) {
    super(d);
    const per = d.contextSize * d.kvHeads * d.headDim;
    const Ctor = d.type === 'f16' ? Uint16Array : Float32Array;
    for (let l = 0; l < d.layers; l++) {
      this.k.push(new Ctor(per));
      this.v.push(new Ctor(per));
    }
  }
}

export const asWeight = (h: LlmWeight): RefWeight => ownWeight(h, RefWeight);

export const asAct = (h: LlmActivation, n: number, what: string): RefActivation => ownActivation(h, RefActivation, n, what);

export const asCache = (h: LlmKvCache): RefKvCache => ownCache(h, RefKvCache);
