/** Conv (2-D and 1-D) as implicit GEMM or depthwise, pools, global pools. */
import type { ConvParams, GlobalPoolParams, PoolParams } from '../../engine/ops/conv.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, count, grid, type GpuKernel, type KernelContext } from '../kernel.js';
import { UniformWriter } from '../uniforms.js';
import { epilogueDefines, type Epilogue } from './matmul.js';
import { reduceDispatch } from './reduce.js';

const TILE = 32;

/** The geometry of a 1-D or 2-D window as 2-D (1-D: H = 1). */
function as2d(geo: ConvParams['geo']) {
  const nd = geo.kernel.length;
  if (nd > 2 || nd < 1) throw new Unsupported(`${nd}-D window`);
  const two = (a: readonly number[], fill: number) => (nd === 1 ? [fill, a[0]!] : [a[0]!, a[1]!]);
  const [H, W] = two(geo.inDims, 1);
  const [OH, OW] = two(geo.outDims, 1);
  const [KH, KW] = two(geo.kernel, 1);
  const [SH, SW] = two(geo.strides, 1);
  const [DH, DW] = two(geo.dilations, 1);
  const [PH, PW] = two(geo.padsBegin, 0);
  const [PHE, PWE] = two(geo.padsEnd, 0);
  return { H: H!, W: W!, OH: OH!, OW: OW!, KH: KH!, KW: KW!, SH: SH!, SW: SW!, DH: DH!, DW: DW!, PH: PH!, PW: PW!, PHE: PHE!, PWE: PWE! };
}

function floatElem(ctx: KernelContext, t: Tensor): string {
  const e = ctx.elemOf(t);
  if (e !== 'f32' && e !== 'f16') throw new Unsupported(`${t.type} conv/pool`);
  return e;
}

/** Conv with an optional fused activation. */
export function conv(ctx: KernelContext, x: Tensor, w: Tensor, bias: Tensor | undefined, p: ConvParams, ep: Epilogue = {}): Tensor {
  const T = floatElem(ctx, x);
  const g = as2d(p.geo);
  const outDims = [p.batch, p.outC, ...p.geo.outDims];
  const y = ctx.output(x.type, outDims);
  const cg = p.inC / p.group;
  const act = epilogueDefines(ep);
  const tensors = [x, w, y, ...(bias ? [bias] : []), ...(ep.z ? [ep.z] : [])];
  if (count(outDims) === 0) return y;
  if (cg === 1 && p.group > 1) {
    const total = count(outDims);
    const u = new UniformWriter().u32(total).u32(p.inC).u32(g.H).u32(g.W).u32(p.outC).u32(g.OH).u32(g.OW).u32(p.outC / p.group)
      .u32(g.KH).u32(g.KW).u32(g.SH).u32(g.SW).i32(g.PH).i32(g.PW).u32(g.DH).u32(g.DW).f32(ep.alpha ?? 0).f32(ep.beta ?? 0).u32(0).u32(0);
    ctx.dispatch({ shader: 'depthwise', defines: { T, BIAS: bias !== undefined, ...act } }, u, tensors, grid(total));
    return y;
  }
  const ocg = p.outC / p.group;
  const P = g.OH * g.OW;
  const K = cg * g.KH * g.KW;
  const u = new UniformWriter().u32(ocg).u32(P).u32(K).u32(p.group).u32(p.inC).u32(g.H).u32(g.W).u32(p.outC)
    .u32(g.OH).u32(g.OW).u32(g.KH).u32(g.KW).u32(g.SH).u32(g.SW).i32(g.PH).i32(g.PW).u32(g.DH).u32(g.DW).f32(ep.alpha ?? 0).f32(ep.beta ?? 0);
  const groups: [number, number, number] = [Math.ceil(P / TILE), Math.ceil(ocg / TILE), p.batch * p.group];
  if (groups[2] > 65535) throw new Unsupported('batch × group > 65535');
  ctx.dispatch({ shader: 'conv2d', defines: { T, BIAS: bias !== undefined, ...act } }, u, tensors, groups);
  return y;
}

function pool(kind: 'MAX' | 'AVG' | 'LP'): GpuKernel<PoolParams> {
  return (ctx, inputs, p) => {
    const x = inputs[0]!;
    const T = floatElem(ctx, x);
    const g = as2d(p.geo);
    const outDims = [p.batch, p.channels, ...p.geo.outDims];
    const y = ctx.output(x.type, outDims);
    const ind = p.withIndices ? ctx.output('int64', outDims) : undefined;
    const total = count(outDims);
    const u = new UniformWriter().u32(total).u32(g.H).u32(g.W).u32(g.OH).u32(g.OW).u32(g.KH).u32(g.KW).u32(g.SH).u32(g.SW)
      .i32(g.PH).i32(g.PW).u32(g.DH).u32(g.DW).i32(g.PHE).i32(g.PWE).u32(p.countIncludePad ? 1 : 0).f32(p.p).u32(p.storageOrder).u32(0).u32(0);
    ctx.dispatch({ shader: 'pool', defines: { T, [`POOL_${kind}`]: true, INDICES: ind !== undefined } }, u, [x, y, ...(ind ? [ind] : [])], grid(total));
    return ind ? [y, ind] : [y];
  };
}

function globalPool(kind: 'Mean' | 'Max' | 'L2' | 'Lp'): GpuKernel<GlobalPoolParams> {
  return (ctx, inputs, p) => {
    const x = inputs[0]!;
    floatElem(ctx, x);
    if (kind === 'Lp' && p.p !== 2) throw new Unsupported(`GlobalLpPool p=${p.p}`);
    const outDims = [x.dims[0]!, x.dims[1]!, ...x.dims.slice(2).map(() => 1)];
    return [reduceDispatch(ctx, x, kind === 'Lp' ? 'L2' : kind, p.outer, p.inner, 1, outDims)];
  };
}

export const convKernels: Record<string, GpuKernel> = {
  Conv: ((ctx, inputs, p: ConvParams) => [conv(ctx, inputs[0]!, inputs[1]!, inputs[2], p)]) as GpuKernel,
  MaxPool: pool('MAX') as GpuKernel,
  AveragePool: pool('AVG') as GpuKernel,
  LpPool: pool('LP') as GpuKernel,
  GlobalAveragePool: globalPool('Mean') as GpuKernel,
  GlobalMaxPool: globalPool('Max') as GpuKernel,
  GlobalLpPool: globalPool('Lp') as GpuKernel,
};
