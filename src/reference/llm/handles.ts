/**
 * The reference LLM kernels' handles: weights keep the stored GGUF bytes (decoded a row at a time when
 * used), activations are Float32Arrays, the KV cache is one typed array per layer for K and one for V.
 * A tally counts the bytes held and their peak.
 */
import { KilnError } from '../../engine/errors.js';
import { DTYPES, type DType } from '../../engine/ir/dtype.js';
import type { KvType, LlmActivation, LlmKvCache, LlmKvCacheDesc, LlmWeight } from '../../engine/llm-kernels.js';
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
    const info = DTYPES[type];
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || cols % info.blockSize !== 0) {
      throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} is not a valid ${type} matrix (rows of whole ${info.blockSize}-value blocks)`, { tensor: name });
    }
    this.decode = rowDecoder(type, name);
    this.rowBytes = (cols / info.blockSize) * info.bytesPerBlock;
    if (data.byteLength !== rows * this.rowBytes) {
      throw new KilnError('E_SHAPE_MISMATCH', `weight '${name}': ${rows} × ${cols} ${type} needs ${rows * this.rowBytes} bytes, got ${data.byteLength}`, { tensor: name });
    }
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
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
      throw new KilnError('E_INPUT_INVALID', `activation of ${rows} × ${cols} is not a valid size`);
    }
    this.data = new Float32Array(rows * cols);
  }
}

export class RefKvCache implements LlmKvCache {
  readonly layers: number;
  readonly contextSize: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly type: KvType;
  readonly k: (Float32Array | Uint16Array)[] = [];
  readonly v: (Float32Array | Uint16Array)[] = [];
  constructor(d: LlmKvCacheDesc) {
    this.layers = d.layers;
    this.contextSize = d.contextSize;
    this.kvHeads = d.kvHeads;
    this.headDim = d.headDim;
    this.type = d.type;
    const per = d.contextSize * d.kvHeads * d.headDim;
    if (!Number.isSafeInteger(per) || per < 1 || d.layers < 1) throw new KilnError('E_INPUT_INVALID', `KV cache of ${d.layers} layers × ${d.contextSize} positions × ${d.kvHeads} × ${d.headDim} is not a valid size`);
    const Ctor = d.type === 'f16' ? Uint16Array : Float32Array;
    for (let l = 0; l < d.layers; l++) {
      this.k.push(new Ctor(per));
      this.v.push(new Ctor(per));
    }
  }

  get bytes(): number {
    return this.layers * 2 * this.contextSize * this.kvHeads * this.headDim * (this.type === 'f16' ? 2 : 4);
  }
}

export function asWeight(h: LlmWeight): RefWeight {
  if (!(h instanceof RefWeight)) throw new KilnError('E_INPUT_INVALID', `weight '${h.name}' belongs to another backend`);
  return h;
}

export function asAct(h: LlmActivation, n: number, what: string): RefActivation {
  if (!(h instanceof RefActivation)) throw new KilnError('E_INPUT_INVALID', `${what}: activation belongs to another backend`);
  if (!Number.isInteger(n) || n < 0 || n > h.rows) throw new KilnError('E_INPUT_INVALID', `${what}: ${n} rows asked of an activation of ${h.rows}`);
  return h;
}

export function asCache(h: LlmKvCache): RefKvCache {
  if (!(h instanceof RefKvCache)) throw new KilnError('E_INPUT_INVALID', 'KV cache belongs to another backend');
  return h;
}
