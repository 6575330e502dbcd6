/** Reduce*, ArgMax/ArgMin, Softmax/LogSoftmax/Hardmax: x viewed as [outer, R, inner]. */
import type { DType } from '../../engine/ir/dtype.js';
import type { ArgParams, ReduceParams } from '../../engine/ops/reduce.js';
import type { SoftmaxParams } from '../../engine/ops/norm.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, count, grid, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';
import { transpose } from './layout.js';

function elemIn(ctx: KernelContext, t: Tensor, ints: boolean): string {
  const e = ctx.elemOf(t);
  if (e === 'f32' || e === 'f16' || (ints && (e === 'i32' || e === 'u32') && t.type !== 'int64' && t.type !== 'uint64')) return e;
  throw new Unsupported(`${t.type} reduction`);
}

/** One reduction of x as [outer, R, inner] into a tensor of `outDims`. */
export function reduceDispatch(ctx: KernelContext, x: Tensor, kind: string, outer: number, R: number, inner: number, outDims: readonly number[], last = false, outType?: DType): Tensor {
  const arg = kind === 'ArgMax' || kind === 'ArgMin';
  const T = elemIn(ctx, x, arg);
  const type = outType ?? (arg ? 'int64' : x.type);
  const y = ctx.output(type, outDims);
  const TY = arg ? 'i32' : T;
  const row = inner === 1;
  const u = new UniformWriter().u32(outer).u32(R).u32(inner).u32(last ? 1 : 0);
  const n = outer * inner;
  ctx.dispatch({ shader: 'reduce', defines: { T, TY, ROW: row, [`RED_${kind}`]: true } }, u, [x, y], row ? grid(outer, 1) : grid(n));
  return y;
}

const reduceKernel: GpuKernel<ReduceParams> = (ctx, inputs, p) => {
  const x = inputs[0]!;
  const dims = p.inDims;
  if (p.noop) return [ctx.alias(x, p.outDims)];
  const reduced = new Set(p.axes);
  const kept = dims.map((_, i) => i).filter((i) => !reduced.has(i));
  // Axes of size 1 do not matter for contiguity: drop them from both lists.
  const keptBig = kept.filter((i) => dims[i] !== 1);
  const redBig = p.axes.filter((i) => dims[i] !== 1);
  const outer = kept.reduce((a, i) => a * dims[i]!, 1);
  const R = p.axes.reduce((a, i) => a * dims[i]!, 1);
  if (count(p.outDims) === 0) return [ctx.output(x.type, p.outDims)];
  const lo = Math.min(...redBig, Infinity);
  const hi = Math.max(...redBig, -Infinity);
  const contiguous = redBig.length === 0 || redBig.length === hi - lo + 1;
  if (contiguous) {
    const before = keptBig.filter((i) => i < lo).reduce((a, i) => a * dims[i]!, 1);
    const after = keptBig.filter((i) => i > hi).reduce((a, i) => a * dims[i]!, 1);
    return [reduceDispatch(ctx, x, p.kind, redBig.length ? before : outer, R, redBig.length ? after : 1, p.outDims)];
  }
  // Move the reduced axes last, then reduce rows.
  const moved = transpose(ctx, x, dims, [...kept, ...p.axes]);
  const y = reduceDispatch(ctx, moved, p.kind, outer, R, 1, p.outDims);
  moved.dispose();
  return [y];
};

const argKernel: GpuKernel<ArgParams> = (ctx, inputs, p) => [reduceDispatch(ctx, inputs[0]!, p.max ? 'ArgMax' : 'ArgMin', p.outer, p.n, p.inner, p.outDims, p.last)];

function softmax(mode: 'SOFT' | 'LOG' | 'HARD'): GpuKernel<SoftmaxParams> {
  return (ctx, inputs, p) => {
    const x = inputs[0]!;
    const T = ctx.elemOf(x);
    if (T !== 'f32' && T !== 'f16') throw new Unsupported(`${x.type} softmax`);
    const y = ctx.output(x.type, x.dims);
    const row = p.inner === 1;
    const u = new UniformWriter().u32(p.outer).u32(p.n).u32(p.inner).u32(0);
    ctx.dispatch({ shader: 'softmax', defines: { T, ROW: row, LOG: mode === 'LOG', HARD: mode === 'HARD' } }, u, [x, y], row ? grid(p.outer, 1) : grid(p.outer * p.inner));
    return [y];
  };
}

export const reduceKernels: Record<string, GpuKernel> = {
  ...Object.fromEntries(['Sum', 'Mean', 'Max', 'Min', 'Prod', 'L1', 'L2', 'LogSum', 'LogSumExp', 'SumSquare'].map((k) => [`Reduce${k}`, reduceKernel])),
  ArgMax: argKernel as GpuKernel,
  ArgMin: argKernel as GpuKernel,
  Softmax: softmax('SOFT') as GpuKernel,
  LogSoftmax: softmax('LOG') as GpuKernel,
  Hardmax: softmax('HARD') as GpuKernel,
};
