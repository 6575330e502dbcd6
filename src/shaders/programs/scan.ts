/** CumSum/CumProd and TopK: x viewed as [outer, n, inner], one thread per (outer, inner) line. */
import type { CumParams, TopKParams } from '../../engine/ops/reduce.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, grid, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';

/** The arithmetic element of x (32-bit integers and floats; 64-bit integers would wrap in 32 bits). */
function numericElem(ctx: KernelContext, x: Tensor, what: string): string {
  const e = ctx.elemOf(x);
  if (x.type === 'int64' || x.type === 'uint64' || x.type === 'bool') throw new Unsupported(`${what} on ${x.type}`);
  return e;
}

function cum(prod: boolean): GpuKernel<CumParams> {
  return (ctx, inputs, p) => {
    const x = inputs[0]!;
    const T = numericElem(ctx, x, prod ? 'CumProd' : 'CumSum');
    const y = ctx.output(x.type, x.dims);
    const lines = p.outer * p.inner;
    const u = new UniformWriter().u32(lines).u32(p.n).u32(Math.max(1, p.inner)).u32(0);
    if (lines > 0 && p.n > 0) ctx.dispatch({ shader: 'cumsum', defines: { T, PROD: prod, REVERSE: p.reverse, EXCLUSIVE: p.exclusive } }, u, [x, y], grid(lines));
    return [y];
  };
}

const topK: GpuKernel<TopKParams> = (ctx, inputs, p) => {
  const x = inputs[0]!;
  const T = numericElem(ctx, x, 'TopK');
  const y = ctx.output(x.type, p.outDims);
  const yi = ctx.output('int64', p.outDims);
  const lines = p.outer * p.inner;
  const u = new UniformWriter().u32(lines).u32(p.n).u32(Math.max(1, p.inner)).u32(p.k);
  if (lines > 0 && p.k > 0) ctx.dispatch({ shader: 'topk', defines: { T, SMALLEST: !p.largest } }, u, [x, y, yi], grid(lines));
  return [y, yi];
};

export const scanKernels: Record<string, GpuKernel> = {
  CumSum: cum(false) as GpuKernel,
  CumProd: cum(true) as GpuKernel,
  TopK: topK as GpuKernel,
};
