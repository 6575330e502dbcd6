/** LayerNormalization, RMSNormalization, InstanceNormalization, GroupNormalization and inference BatchNormalization. */
import type { BatchNormParams, GroupNormParams, LayerNormParams } from '../../engine/ops/norm.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, count, grid, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';

function floatElem(ctx: KernelContext, t: Tensor): string {
  const e = ctx.elemOf(t);
  if (e !== 'f32' && e !== 'f16') throw new Unsupported(`${t.type} normalisation`);
  return e;
}

/** One workgroup per row: y = (x - mean)·inv·scale (+ bias), optionally writing the row statistics. */
function rowNorm(ctx: KernelContext, x: Tensor, scale: Tensor, bias: Tensor | undefined, rows: number, inner: number, eps: number,
  opts: { rms?: boolean; perRow?: number; groupChannels?: { groups: number; spatial: number }; stats?: readonly number[] }): Tensor[] {
  const T = floatElem(ctx, x);
  const y = ctx.output(x.type, x.dims);
  const stats = opts.stats ? [ctx.output('float32', opts.stats), ctx.output('float32', opts.stats)] : [];
  const g = opts.groupChannels;
  const u = new UniformWriter().u32(rows).u32(inner).u32(g?.groups ?? opts.perRow ?? 1).f32(eps).u32(Math.max(1, g?.spatial ?? 1)).u32(0).u32(0).u32(0);
  const defines = { T, RMS: opts.rms ?? false, PER_ROW: opts.perRow !== undefined, PER_GROUP_CHANNEL: g !== undefined, BIAS: bias !== undefined, STATS: stats.length > 0 };
  if (rows > 0) ctx.dispatch({ shader: 'layernorm', defines }, u, [x, scale, y, ...(bias ? [bias] : []), ...stats], grid(rows, 1));
  return [y, ...stats];
}

function layerNorm(rms: boolean): GpuKernel<LayerNormParams> {
  return (ctx, inputs, p) => {
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
    if (count(scale.dims) !== p.inner || (bias && count(bias.dims) !== p.inner)) throw new Unsupported('scale/bias that broadcast over rows');
    const stats = !rms && (ctx.wants(1) || ctx.wants(2));
    if (stats && p.statsType !== 'float32') throw new Unsupported(`${p.statsType} statistics`);
    const out = rowNorm(ctx, x, scale, bias, p.outer, p.inner, p.epsilon, { rms, stats: stats ? p.statsDims : undefined });
    return out;
  };
}

export const normKernels: Record<string, GpuKernel> = {
  LayerNormalization: layerNorm(false) as GpuKernel,
  RMSNormalization: layerNorm(true) as GpuKernel,

  InstanceNormalization: ((ctx, inputs, p: GroupNormParams) => {
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor];
    return rowNorm(ctx, x, scale, bias, p.n * p.c, p.spatial, p.epsilon, { perRow: p.c }).slice(0, 1);
  }) as GpuKernel,

  GroupNormalization: ((ctx, inputs, p: GroupNormParams) => {
    const [x, scale, bias] = inputs as [Tensor, Tensor, Tensor];
    const inner = (p.c / p.groups) * p.spatial;
    const layout = p.perChannel ? { groupChannels: { groups: p.groups, spatial: p.spatial } } : { perRow: p.groups };
    return rowNorm(ctx, x, scale, bias, p.n * p.groups, inner, p.epsilon, layout).slice(0, 1);
  }) as GpuKernel,

  BatchNormalization: ((ctx, inputs, p: BatchNormParams) => {
    if (p.training) throw new Unsupported('training-mode BatchNormalization');
    if (p.perActivation) throw new Unsupported('per-activation BatchNormalization');
    const [x, scale, bias, mean, variance] = inputs as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const T = floatElem(ctx, x);
    for (const t of [scale, bias, mean, variance]) if (ctx.elemOf(t) !== T) throw new Unsupported('mixed-type BatchNormalization');
    const y = ctx.output(x.type, x.dims);
    const total = count(x.dims);
    const u = new UniformWriter().u32(total).u32(p.c).u32(Math.max(1, p.spatial)).f32(p.epsilon);
    ctx.dispatch({ shader: 'batchnorm', defines: { T } }, u, [x, scale, bias, mean, variance, y], grid(total));
    return [y];
  }) as GpuKernel,
};
