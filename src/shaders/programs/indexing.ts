/** GatherElements, ScatterElements (and opset-9 Scatter) and ScatterND. */
import type { GatherParams, ScatterParams } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, bitsType, checkRank, count, grid, stridesOf, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';
import { stridedCopy } from './layout.js';

const need = (inputs: readonly (Tensor | undefined)[], i: number): Tensor => {
  const t = inputs[i];
  if (!t) throw new Unsupported(`input ${i} missing`);
  return t;
};

/** The element a scatter works in: bits for plain writes, the arithmetic type for reductions. */
function scatterElem(ctx: KernelContext, x: Tensor, p: ScatterParams): string {
  const e = ctx.elemOf(x);
  if (p.reduction === 'none') return bitsType(e);
  if (x.type === 'int64' || x.type === 'uint64' || x.type === 'bool') throw new Unsupported(`scatter reduction '${p.reduction}' on ${x.type}`);
  return e;
}

/** y = a copy of x, then the scatter dispatch. */
function scatter(ctx: KernelContext, inputs: readonly (Tensor | undefined)[], p: ScatterParams, elements: boolean): Tensor[] {
  const x = need(inputs, 0);
  const idx = need(inputs, 1);
  const upd = need(inputs, 2);
  checkRank(x.dims);
  checkRank(idx.dims);
  const y = ctx.output(x.type, x.dims);
  if (count(x.dims) > 0) stridedCopy(ctx, x, y, { shape: x.dims, srcStrides: stridesOf(x.dims) });
  const T = scatterElem(ctx, x, p);
  const u = new UniformWriter();
  let n: number;
  if (elements) {
    const len = idx.dims[p.axis] ?? 0;
    n = len === 0 ? 0 : count(idx.dims) / len;
    u.u32(n).u32(idx.dims.length).u32(p.axis).u32(x.dims[p.axis]!).u32(0).u32(0).u32(0).u32(0)
      .vec4s(idx.dims, 2).vec4s(x.dims, 2).vec4s(stridesOf(x.dims), 2);
  } else {
    const m = idx.dims[idx.dims.length - 1]!;
    const tuples = m === 0 ? 0 : count(idx.dims) / m;
    const slice = count(x.dims.slice(m));
    n = tuples === 0 ? 0 : slice;
    u.u32(n).u32(x.dims.length).u32(0).u32(0).u32(tuples).u32(m).u32(slice).u32(0)
      .vec4s(idx.dims, 2).vec4s(x.dims, 2).vec4s(stridesOf(x.dims), 2);
  }
  if (n > 0 && count(x.dims) > 0) {
    ctx.dispatch({ shader: 'scatter', defines: { T, ELEMENTS: elements, [`RED_${p.reduction.toUpperCase()}`]: true } }, u, [idx, upd, y], grid(n));
  }
  return [y];
}

export const indexingKernels: Record<string, GpuKernel> = {
  GatherElements: ((ctx, inputs, p: GatherParams) => {
    const x = need(inputs, 0);
    const idx = need(inputs, 1);
    checkRank(idx.dims);
    const y = ctx.output(x.type, idx.dims);
    const n = count(idx.dims);
    const u = new UniformWriter().u32(n).u32(idx.dims.length).u32(p.axis).u32(x.dims[p.axis]!).vec4s(idx.dims, 2).vec4s(stridesOf(x.dims), 2);
    if (n > 0) ctx.dispatch({ shader: 'gather-elements', defines: { T: bitsType(ctx.elemOf(x)) } }, u, [x, idx, y], grid(n));
    return [y];
  }) as GpuKernel,
  Scatter: ((ctx, inputs, p: ScatterParams) => scatter(ctx, inputs, p, true)) as GpuKernel,
  ScatterElements: ((ctx, inputs, p: ScatterParams) => scatter(ctx, inputs, p, true)) as GpuKernel,
  ScatterND: ((ctx, inputs, p: ScatterParams) => scatter(ctx, inputs, p, false)) as GpuKernel,
};
