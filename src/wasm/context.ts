/**
 * One node's run on the wasm backend: resolves inputs to heap pointers (constants placed once, arena
 * views in place, anything else copied into scratch) and turns the kernel's outputs into Tensors (arena
 * views, or JS copies where the arena plan says so).
 */
import type { RuntimeValue } from '../engine/backend.js';
import { KilnError } from '../engine/errors.js';
import { byteLength, type DType } from '../engine/ir/dtype.js';
import { allocData, sizeOf, Tensor, type TensorData } from '../engine/tensor.js';
import type { Slot } from './arena.js';
import type { HeapTensor, RunCtx } from './ops/types.js';
import type { Runtime } from './runtime.js';

/** What the backend keeps across runs: heap-resident tensors and constants. */
export interface Residency {
  /** Tensors whose elements are in the heap (arena views, placed constants) → pointer. */
  readonly where: WeakMap<Tensor, number>;
  isConstant(t: Tensor): boolean;
  /** Copies a constant into the heap for the session's life. */
  place(t: Tensor): number;
}

type OutRec =
  | { kind: 'arena'; ptr: number; type: DType; dims: readonly number[] }
  | { kind: 'copy'; ptr: number; type: DType; dims: readonly number[] }
  | { kind: 'alias'; input: number; dims: readonly number[] }
  | { kind: 'empty'; type: DType; dims: readonly number[] };

export function bytesOfData(data: TensorData): Uint8Array {
  if (Array.isArray(data)) throw new KilnError('E_TYPE_UNSUPPORTED', 'string tensors cannot enter the wasm heap');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export class NodeRun implements RunCtx {
  private readonly resolved = new Map<number, HeapTensor>();
  private readonly outs: OutRec[] = [];

  constructor(
    readonly rt: Runtime,
    readonly inputs: readonly (RuntimeValue | undefined)[],
    readonly state: unknown,
    readonly numOutputs: number,
    private readonly res: Residency,
    private readonly arena: number,
    private readonly slots: readonly (Slot | undefined)[] | undefined,
  ) {}

  private tensor(i: number): Tensor {
    const t = this.inputs[i];
    if (!(t instanceof Tensor)) throw new KilnError('E_INTERNAL', `wasm kernel: input ${i} is not a tensor`);
    return t;
  }

  in(i: number): HeapTensor {
    let h = this.resolved.get(i);
    if (h) return h;
    const t = this.tensor(i);
    let ptr = this.res.where.get(t);
    if (ptr === undefined) {
      if (this.res.isConstant(t)) ptr = this.res.place(t);
      else {
        const bytes = bytesOfData(t.data);
        ptr = this.rt.scratch(bytes.byteLength);
        this.rt.u8.set(bytes, ptr);
      }
    }
    h = { ptr, type: t.type, dims: t.dims, size: t.size };
    this.resolved.set(i, h);
    return h;
  }

  host(i: number): TensorData {
    const t = this.tensor(i);
    const ptr = this.res.where.get(t);
    return ptr === undefined ? t.data : this.rt.view(t.type, ptr, t.size);
  }

  out(k: number, type: DType, dims: readonly number[]): number {
    const n = sizeOf(dims);
    if (n === 0) {
      this.outs[k] = { kind: 'empty', type, dims };
      return 0;
    }
    const bytes = byteLength(type, n);
    const slot = this.slots?.[k];
    if (slot && bytes <= slot.bytes) {
      const ptr = this.arena + slot.offset;
      this.outs[k] = { kind: 'arena', ptr, type, dims };
      return ptr;
    }
    const ptr = this.rt.scratch(bytes);
    this.outs[k] = { kind: 'copy', ptr, type, dims };
    return ptr;
  }

  alias(k: number, i: number, dims: readonly number[]): void {
    this.outs[k] = { kind: 'alias', input: i, dims };
  }

  scratch(bytes: number): number {
    return this.rt.scratch(bytes);
  }

  /** The node's outputs as Tensors. */
  finish(): RuntimeValue[] {
    return this.outs.map((o, k) => {
      if (!o) throw new KilnError('E_INTERNAL', `wasm kernel did not produce output ${k}`);
      switch (o.kind) {
        case 'empty': return new Tensor(o.type, allocData(o.type, 0), o.dims);
        case 'copy': return new Tensor(o.type, (this.rt.view(o.type, o.ptr, sizeOf(o.dims)) as Float32Array).slice(), o.dims);
        case 'arena': {
          const t = new Tensor(o.type, this.rt.view(o.type, o.ptr, sizeOf(o.dims)), o.dims);
          this.res.where.set(t, o.ptr);
          return t;
        }
        case 'alias': {
          const src = this.tensor(o.input);
          const ptr = this.res.where.get(src);
          const slot = this.slots?.[k];
          if (ptr !== undefined && slot && !this.res.isConstant(src)) {
            const t = new Tensor(src.type, this.rt.view(src.type, ptr, src.size), o.dims);
            this.res.where.set(t, ptr);
            return t;
          }
          const data = ptr === undefined || this.res.isConstant(src) ? src.data : (this.rt.view(src.type, ptr, src.size) as Float32Array).slice();
          return new Tensor(src.type, data, o.dims);
        }
      }
    });
  }
}
