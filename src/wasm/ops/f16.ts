/**
 * float16 graphs on the wasm backend. Every float32 op also takes float16 tensors through a staging run
 * context: each float16 input is converted to float32 scratch when the kernel asks for it, the kernel
 * runs as it does for float32, and each float32 output it writes is converted back to the float16 output
 * (kernels/cast.c, rounding to nearest even). Arithmetic is float32 with one rounding to float16 per op,
 * as the reference backend rounds once from its float64 result.
 *
 * Weights stay float16: MatMul, Gemm and Conv pack float16 constants into float16 panels and convert one
 * panel at a time inside the kernel (kernels/gemm_h.c), so a float16 model holds half the bytes of its
 * float32 twin.
 */
import type { RuntimeValue } from '../../engine/backend.js';
import { f16Table } from '../../engine/quant/float.js';
import { Tensor, type TensorData } from '../../engine/tensor.js';
import type { DType } from '../../engine/ir/dtype.js';
import { isTensorOf, type HeapTensor, type RunCtx, type WasmOp } from './types.js';

/** A float16 tensor seen as float32 by an op's `accepts` (same dims and identity, type float32). */
const asF32 = (v: RuntimeValue | undefined): RuntimeValue | undefined =>
  isTensorOf(v, 'float16') ? (Object.create(v, { type: { value: 'float32' } }) as Tensor) : v;

/** Whether any input is a float16 tensor. */
export const hasF16 = (inputs: readonly (RuntimeValue | undefined)[]): boolean => inputs.some((v) => isTensorOf(v, 'float16'));

/** float16 bits → float32 values. */
export function halfToFloat(h: Uint16Array): Float32Array {
  const t = f16Table();
  return Float32Array.from(h, (x) => t[x]!);
}

/** The run context a float32 kernel sees when its node is float16. */
export class F16Run implements RunCtx {
  private readonly ins = new Map<number, HeapTensor>();
  private readonly staged: { k: number; ptr: number; dims: readonly number[]; size: number }[] = [];

  constructor(private readonly base: RunCtx) {}

  get rt() { return this.base.rt; }
  get state() { return this.base.state; }
  get inputs() { return this.base.inputs; }
  get numOutputs() { return this.base.numOutputs; }

  in(i: number): HeapTensor {
    const t = this.base.inputs[i];
    if (!isTensorOf(t, 'float16')) return this.base.in(i);
    let h = this.ins.get(i);
    if (h) return h;
    const src = this.base.in(i);
    const ptr = this.base.scratch(t.size * 4);
    if (t.size > 0) this.rt.par('cast', [src.ptr, 1, ptr, 0, t.size], t.size);
    h = { ptr, type: 'float32', dims: t.dims, size: t.size };
    this.ins.set(i, h);
    return h;
  }

  host(i: number): TensorData {
    const t = this.base.inputs[i];
    const d = this.base.host(i);
    return isTensorOf(t, 'float16') ? halfToFloat(d as Uint16Array) : d;
  }

  out(k: number, type: DType, dims: readonly number[]): number {
    if (type !== 'float32') return this.base.out(k, type, dims);
    const size = dims.reduce((a, b) => a * b, 1);
    const ptr = this.base.scratch(size * 4);
    this.staged.push({ k, ptr, dims, size });
    return ptr;
  }

  alias(k: number, i: number, dims: readonly number[]): void {
    this.base.alias(k, i, dims);
  }

  scratch(bytes: number): number {
    return this.base.scratch(bytes);
  }

  /** Converts the staged float32 outputs into the node's float16 outputs. */
  finish(): void {
    for (const s of this.staged) {
      const y = this.base.out(s.k, 'float16', s.dims);
      if (s.size > 0) this.rt.par('cast', [s.ptr, 0, y, 1, s.size], s.size);
    }
  }
}

/** A float32 op that also runs float16 nodes, through F16Run. */
export function withF16(op: WasmOp): WasmOp {
  return {
    ...op,
    dtypes: ['float32', 'float16'],
    accepts: (inputs, p) => op.accepts(inputs.map(asF32), p),
    run: (ctx, p) => {
      if (!hasF16(ctx.inputs)) return op.run(ctx, p);
      const staged = new F16Run(ctx);
      op.run(staged, p);
      staged.finish();
    },
  };
}

/** Whether a constant is a float16 tensor (packed as float16 panels by MatMul, Gemm and Conv). */
export const isF16 = (t: Tensor | undefined): t is Tensor => t !== undefined && t.type === 'float16';
