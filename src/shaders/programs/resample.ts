/** Resize/Upsample (sampling tables from resize-taps.ts, gathers on the GPU) and ConvTranspose (1-D, 2-D). */
import type { ConvParams } from '../../engine/ops/conv.js';
import type { ResizeParams } from '../../engine/ops/shape.js';
import { Tensor } from '../../engine/tensor.js';
import { Unsupported, checkRank, count, grid, stridesOf, type GpuKernel, type KernelContext } from '../kernel.js';
import { lazyTensor } from '../storage.js';
import { UniformWriter } from '../uniforms.js';
import { axisTaps, nearestMaps } from './resize-taps.js';

/** A host table as a GPU tensor (uploaded when first bound). */
const table = (ctx: KernelContext, data: Int32Array | Float32Array): Tensor =>
  lazyTensor(ctx.rt, new Tensor(data instanceof Int32Array ? 'int32' : 'float32', data, [data.length]), data instanceof Int32Array ? 'i32' : 'f32');

const IDENTITY_COORDS = new Set(['half_pixel', 'half_pixel_symmetric', 'align_corners', 'asymmetric', 'pytorch_half_pixel']);

function resize(ctx: KernelContext, x: Tensor, p: ResizeParams): Tensor {
  checkRank(p.outDims);
  const e = ctx.elemOf(x);
  if (x.type === 'int64' || x.type === 'uint64' || (p.mode !== 'nearest' && e !== 'f32' && e !== 'f16')) throw new Unsupported(`${p.mode} Resize of ${x.type}`);
  const y = ctx.output(x.type, p.outDims);
  const n = count(p.outDims);
  if (n === 0 || count(p.inDims) === 0) return y;
  if (p.mode === 'nearest') {
    const { maps, offsets } = ctx.dry ? { maps: new Int32Array(1), offsets: [] } : nearestMaps(p, stridesOf(p.inDims));
    const u = new UniformWriter().u32(n).u32(p.outDims.length).u32(0).f32(p.extrapolation).u32(0).u32(0).u32(0).u32(0)
      .vec4s(p.outDims, 2).vec4s(offsets, 2);
    ctx.dispatch({ shader: 'resize', defines: { T: e, NEAREST: true } }, u, [x, ctx.dry ? x : table(ctx, maps), y], grid(n));
    return y;
  }
  // One separable pass per axis that changes, through temporaries.
  const axes = p.inDims.map((_, a) => a).filter((a) => !(p.outDims[a] === p.inDims[a] && p.scales[a] === 1 && IDENTITY_COORDS.has(p.coord)));
  if (axes.length === 0) axes.push(0);
  const dims = [...p.inDims];
  let src = x;
  axes.forEach((a, k) => {
    const outer = count(dims.slice(0, a));
    const inner = count(dims.slice(a + 1));
    dims[a] = p.outDims[a]!;
    const dst = k === axes.length - 1 ? y : ctx.output(x.type, dims);
    const t = ctx.dry ? { taps: 4, idx: new Int32Array(1), w: new Float32Array(1) } : axisTaps(p, a);
    const total = count(dims);
    const u = new UniformWriter().u32(total).u32(dims.length).u32(t.taps).f32(p.extrapolation).u32(outer).u32(p.inDims[a]!).u32(Math.max(1, inner)).u32(dims[a]!)
      .vec4s(dims, 2).vec4s([], 2);
    ctx.dispatch({ shader: 'resize', defines: { T: e } }, u, [src, ctx.dry ? src : table(ctx, t.idx), ctx.dry ? src : table(ctx, t.w), dst], grid(total));
    if (src !== x) src.dispose();
    src = dst;
  });
  return y;
}

const convTranspose: GpuKernel<ConvParams> = (ctx, inputs, p) => {
  const [x, w, bias] = inputs as [Tensor, Tensor, Tensor | undefined];
  const T = ctx.elemOf(x);
  if (T !== 'f32' && T !== 'f16') throw new Unsupported(`${x.type} ConvTranspose`);
  const nd = p.geo.kernel.length;
  if (nd !== 1 && nd !== 2) throw new Unsupported(`${nd}-D ConvTranspose`);
  const two = (a: readonly number[], fill: number): [number, number] => (nd === 1 ? [fill, a[0]!] : [a[0]!, a[1]!]);
  // The geometry is the forward conv's: geo.inDims is Y's image, geo.outDims X's.
  const [OH, OW] = two(p.geo.inDims, 1);
  const [H, W] = two(p.geo.outDims, 1);
  const [KH, KW] = two(p.geo.kernel, 1);
  const [SH, SW] = two(p.geo.strides, 1);
  const [DH, DW] = two(p.geo.dilations, 1);
  const [PH, PW] = two(p.geo.padsBegin, 0);
  const outDims = [p.batch, p.outC, ...p.geo.inDims];
  const y = ctx.output(x.type, outDims);
  const total = count(outDims);
  const u = new UniformWriter().u32(total).u32(p.inC).u32(H).u32(W).u32(p.outC).u32(OH).u32(OW).u32(p.outC / p.group)
    .u32(p.inC / p.group).u32(KH).u32(KW).u32(SH).u32(SW).u32(PH).u32(PW).u32(DH).u32(DW).u32(0).u32(0).u32(0);
  if (total > 0) ctx.dispatch({ shader: 'conv-transpose', defines: { T, BIAS: bias !== undefined } }, u, [x, w, y, ...(bias ? [bias] : [])], grid(total));
  return [y];
};

export const resampleKernels: Record<string, GpuKernel> = {
  Resize: ((ctx, inputs, p: ResizeParams) => [resize(ctx, inputs[0]!, p)]) as GpuKernel,
  Upsample: ((ctx, inputs, p: ResizeParams) => [resize(ctx, inputs[0]!, p)]) as GpuKernel,
  ConvTranspose: convTranspose as GpuKernel,
};
