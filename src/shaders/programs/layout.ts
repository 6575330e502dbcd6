/**
 * Data movement: Reshape-like ops alias memory; Transpose, Slice, Expand, Tile, Concat, Split and
 * Depth/SpaceToDepth are one strided copy each (copy.wgsl); Gather and Pad have their own shaders;
 * Shape and Size are computed from params and never touch the GPU until bound.
 */
import { toNumbers, int64Tensor } from '../../engine/elements.js';
import type { ConcatParams, PadParams, ReshapeParams, ShapeParams, SizeParams, SliceParams, SpaceDepthParams, SplitParams, TileParams, TransposeParams, GatherParams } from '../../engine/ops/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { Unsupported, bitsType, broadcastStrides, checkRank, count, grid, stridesOf, type GpuKernel, type KernelContext } from '../kernel.js';
import { lazyTensor } from '../storage.js';
import { UniformWriter } from '../uniforms.js';

const tensor = (inputs: readonly (Tensor | undefined)[], i: number): Tensor => {
  const t = inputs[i];
  if (!t) throw new Unsupported(`input ${i} missing`);
  return t;
};

export interface CopySpec {
  /** The index space walked. */
  readonly shape: readonly number[];
  readonly srcOffset?: number;
  readonly srcStrides: readonly number[];
  /** Tile: source coordinate = c mod srcMod (default: no wrap). */
  readonly srcMod?: readonly number[];
  readonly dstOffset?: number;
  /** Default: row-major over `shape`. */
  readonly dstStrides?: readonly number[];
}

/** One strided copy from `x` into `y`. */
export function stridedCopy(ctx: KernelContext, x: Tensor, y: Tensor, s: CopySpec): void {
  checkRank(s.shape);
  const n = count(s.shape);
  const u = new UniformWriter().u32(n).u32(s.shape.length).i32(s.srcOffset ?? 0).u32(s.dstOffset ?? 0)
    .vec4s(s.shape, 2).vec4s(s.srcStrides, 2, 0, true).vec4s(s.dstStrides ?? stridesOf(s.shape), 2).vec4s(s.srcMod ?? s.shape, 2, 1);
  ctx.dispatch({ shader: 'copy', defines: { T: bitsType(ctx.elemOf(x)) } }, u, [x, y], grid(n));
}

/** A new tensor of `dims` filled by one strided copy. */
function copyTo(ctx: KernelContext, x: Tensor, dims: readonly number[], s: Omit<CopySpec, 'shape'>): Tensor {
  const y = ctx.output(x.type, dims);
  stridedCopy(ctx, x, y, { shape: dims, ...s });
  return y;
}

/** Transposed copy of `x` (dims `inDims`) by `perm`. */
export function transpose(ctx: KernelContext, x: Tensor, inDims: readonly number[], perm: readonly number[]): Tensor {
  const st = stridesOf(inDims);
  return copyTo(ctx, x, perm.map((p) => inDims[p]!), { srcStrides: perm.map((p) => st[p]!) });
}

const alias = (ctx: KernelContext, inputs: readonly (Tensor | undefined)[], dims: readonly number[]) => [ctx.alias(tensor(inputs, 0), dims)];

export const layoutKernels: Record<string, GpuKernel> = {
  Reshape: ((ctx, inputs, p: ReshapeParams) => alias(ctx, inputs, p.dims)) as GpuKernel,
  Flatten: ((ctx, inputs, p: ReshapeParams) => alias(ctx, inputs, p.dims)) as GpuKernel,
  Squeeze: ((ctx, inputs, p: ReshapeParams) => alias(ctx, inputs, p.dims)) as GpuKernel,
  Unsqueeze: ((ctx, inputs, p: ReshapeParams) => alias(ctx, inputs, p.dims)) as GpuKernel,

  Shape: ((ctx, _inputs, p: ShapeParams) => [ctx.dry ? ctx.output('int64', [p.values.length]) : lazyTensor(ctx.rt, int64Tensor(p.values), 'i32')]) as GpuKernel,
  Size: ((ctx, _inputs, p: SizeParams) => [ctx.dry ? ctx.output('int64', []) : lazyTensor(ctx.rt, int64Tensor([p.size], []), 'i32')]) as GpuKernel,

  Transpose: ((ctx, inputs, p: TransposeParams) => [transpose(ctx, tensor(inputs, 0), p.inDims, p.perm)]) as GpuKernel,

  Slice: ((ctx, inputs, p: SliceParams) => {
    const st = stridesOf(p.inDims);
    const srcOffset = p.starts.reduce((a, s, k) => a + s * st[k]!, 0);
    return [copyTo(ctx, tensor(inputs, 0), p.outDims, { srcOffset, srcStrides: p.steps.map((s, k) => s * st[k]!) })];
  }) as GpuKernel,

  Expand: ((ctx, inputs, p: TileParams) => [copyTo(ctx, tensor(inputs, 0), p.outDims, { srcStrides: broadcastStrides(p.inDims, p.outDims) })]) as GpuKernel,

  Tile: ((ctx, inputs, p: TileParams) => [copyTo(ctx, tensor(inputs, 0), p.outDims, { srcStrides: stridesOf(p.inDims), srcMod: p.inDims })]) as GpuKernel,

  Concat: ((ctx, inputs, p: ConcatParams) => {
    const xs = inputs.map((_, i) => tensor(inputs, i));
    const y = ctx.output(xs[0]!.type, p.outDims);
    const outSt = stridesOf(p.outDims);
    let at = 0;
    for (const x of xs) {
      const dims = x.dims;
      if (count(dims) > 0) stridedCopy(ctx, x, y, { shape: dims, srcStrides: stridesOf(dims), dstOffset: at * outSt[p.axis]!, dstStrides: outSt });
      at += dims[p.axis]!;
    }
    return [y];
  }) as GpuKernel,

  Split: ((ctx, inputs, p: SplitParams) => {
    const x = tensor(inputs, 0);
    const st = stridesOf(p.inDims);
    let at = 0;
    return p.sizes.map((size) => {
      const dims = p.inDims.map((d, k) => (k === p.axis ? size : d));
      const y = copyTo(ctx, x, dims, { srcOffset: at * st[p.axis]!, srcStrides: st });
      at += size;
      return y;
    });
  }) as GpuKernel,

  DepthToSpace: ((ctx, inputs, p: SpaceDepthParams) => {
    const [n, c, h, w] = p.inDims as [number, number, number, number];
    const b = p.blocksize;
    const cc = c / (b * b);
    // DCR: [n, b, b, cc, h, w] → [n, cc, h, b, w, b]; CRD: [n, cc, b, b, h, w] → same order.
    const six = p.crd ? [n, cc, b, b, h, w] : [n, b, b, cc, h, w];
    const perm = p.crd ? [0, 1, 4, 2, 5, 3] : [0, 3, 4, 1, 5, 2];
    const y = transpose(ctx, tensor(inputs, 0), six, perm);
    return [ctx.alias(y, [n, cc, h * b, w * b])];
  }) as GpuKernel,

  SpaceToDepth: ((ctx, inputs, p: SpaceDepthParams) => {
    const [n, c, h, w] = p.inDims as [number, number, number, number];
    const b = p.blocksize;
    const y = transpose(ctx, tensor(inputs, 0), [n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4]);
    return [ctx.alias(y, [n, c * b * b, h / b, w / b])];
  }) as GpuKernel,

  Gather: ((ctx, inputs, p: GatherParams) => {
    const x = tensor(inputs, 0);
    const idx = tensor(inputs, 1);
    const axis = p.axis;
    const outDims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    const y = ctx.output(x.type, outDims);
    const n = count(outDims);
    const inner = count(x.dims.slice(axis + 1));
    const u = new UniformWriter().u32(n).u32(x.dims[axis]!).u32(Math.max(1, count(idx.dims))).u32(Math.max(1, inner));
    if (count(idx.dims) > 0 && inner > 0) ctx.dispatch({ shader: 'gather', defines: { T: bitsType(ctx.elemOf(x)) } }, u, [x, idx, y], grid(n));
    return [y];
  }) as GpuKernel,

  Pad: ((ctx, inputs, p: PadParams) => {
    const x = tensor(inputs, 0);
    checkRank(p.outDims);
    const e = ctx.elemOf(x);
    if ((x.type === 'int64' || x.type === 'uint64') && p.mode === 'constant' && p.fill) throw new Unsupported('int64 pad value');
    if (p.mode !== 'constant' && count(p.inDims) === 0 && count(p.outDims) > 0) throw new Unsupported('edge/reflect pad of an empty tensor');
    const y = ctx.output(x.type, p.outDims);
    const n = count(p.outDims);
    const r = p.inDims.length;
    const value = p.fill ? toNumbers(p.fill)[0]! : 0;
    const u = new UniformWriter().u32(n).u32(r).f32(value).u32(0).vec4s(p.outDims, 2).vec4s(p.inDims, 2).vec4s(stridesOf(p.inDims), 2)
      .vec4s(p.pads.slice(0, r), 2, 0, true);
    ctx.dispatch({ shader: 'pad', defines: { T: e, [`MODE_${p.mode.toUpperCase()}`]: true } }, u, [x, y], grid(n));
    return [y];
  }) as GpuKernel,
};
