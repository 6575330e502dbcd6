/** Reference kernels: ops that only rearrange elements. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { int64Tensor } from '../../engine/elements.js';
import { shapeOps as ops } from '../../engine/ops/shape.js';
import { Tensor, sizeOf } from '../../engine/tensor.js';
import { alloc, build, copyRange, elems, gatherByMaps, prod, strides } from './common.js';

const sameData = (x: Tensor, dims: readonly number[]): Tensor => new Tensor(x.type, x.data, dims);

/** Runs gatherByMaps from `x` into a new tensor of `outDims`. */
function gathered(x: Tensor, outDims: readonly number[], maps: readonly ArrayLike<number>[]): Tensor {
  const out = alloc(x.type, sizeOf(outDims));
  gatherByMaps(elems(x), out, outDims, maps);
  return build(x.type, out, outDims);
}

const range = (n: number, f: (i: number) => number): Int32Array | Float64Array => {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = f(i);
  return a;
};

export const layoutKernels: KernelMap = {
  Reshape: kernel(ops.Reshape, (inputs, p) => [sameData(inputs[0] as Tensor, p.dims)]),
  Flatten: kernel(ops.Flatten, (inputs, p) => [sameData(inputs[0] as Tensor, p.dims)]),
  Squeeze: kernel(ops.Squeeze, (inputs, p) => [sameData(inputs[0] as Tensor, p.dims)]),
  Unsqueeze: kernel(ops.Unsqueeze, (inputs, p) => [sameData(inputs[0] as Tensor, p.dims)]),

  Transpose: kernel(ops.Transpose, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const st = strides(p.inDims);
    const outDims = p.perm.map((a) => p.inDims[a]!);
    return [gathered(x, outDims, p.perm.map((a, k) => range(outDims[k]!, (o) => o * st[a]!)))];
  }),

  Shape: kernel(ops.Shape, (_inputs, p) => [int64Tensor(p.values)]),
  Size: kernel(ops.Size, (_inputs, p) => [int64Tensor([p.size], [])]),

  Concat: kernel(ops.Concat, (inputs, p) => {
    const xs = inputs as Tensor[];
    const type = xs[0]!.type;
    const outer = prod(p.outDims, 0, p.axis);
    const inner = prod(p.outDims, p.axis + 1);
    const out = alloc(type, sizeOf(p.outDims));
    const srcs = xs.map((x) => ({ e: elems(x), chunk: x.dims[p.axis]! * inner }));
    let o = 0;
    for (let i = 0; i < outer; i++) {
      for (const s of srcs) {
        copyRange(out, o, s.e, i * s.chunk, s.chunk);
        o += s.chunk;
      }
    }
    return [build(type, out, p.outDims)];
  }),

  Split: kernel(ops.Split, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const src = elems(x);
    const outer = prod(p.inDims, 0, p.axis);
    const inner = prod(p.inDims, p.axis + 1);
    const rowLen = p.inDims[p.axis]! * inner;
    let start = 0;
    return p.sizes.map((size) => {
      const dims = p.inDims.map((d, i) => (i === p.axis ? size : d));
      const chunk = size * inner;
      const out = alloc(x.type, outer * chunk);
      for (let i = 0; i < outer; i++) copyRange(out, i * chunk, src, i * rowLen + start, chunk);
      start += chunk;
      return build(x.type, out, dims);
    });
  }),

  Slice: kernel(ops.Slice, (inputs, p) => {
    const st = strides(p.inDims);
    return [gathered(inputs[0] as Tensor, p.outDims, p.outDims.map((n, a) => range(n, (o) => (p.starts[a]! + o * p.steps[a]!) * st[a]!)))];
  }),

  Tile: kernel(ops.Tile, (inputs, p) => {
    const st = strides(p.inDims);
    return [gathered(inputs[0] as Tensor, p.outDims, p.outDims.map((n, a) => range(n, (o) => (o % p.inDims[a]!) * st[a]!)))];
  }),

  Expand: kernel(ops.Expand, (inputs, p) => {
    const st = strides(p.inDims);
    const lead = p.outDims.length - p.inDims.length;
    return [gathered(inputs[0] as Tensor, p.outDims, p.outDims.map((n, a) => {
      const k = a - lead;
      return range(n, (o) => (k < 0 || p.inDims[k] === 1 ? 0 : o * st[k]!));
    }))];
  }),

  DepthToSpace: kernel(ops.DepthToSpace, (inputs, p) => {
    const [n, c, h, w] = p.inDims as [number, number, number, number];
    const b = p.blocksize;
    const c2 = c / (b * b);
    const [sN, sC, sH, sW] = strides(p.inDims) as [number, number, number, number];
    // The output [N, C/b², H·b, W·b] seen as [N, C/b², H, b, W, b].
    const view = [n, c2, h, b, w, b];
    const maps = [
      range(n, (i) => i * sN),
      range(c2, (i) => (p.crd ? i * b * b : i) * sC),
      range(h, (i) => i * sH),
      range(b, (i) => (p.crd ? i * b : i * b * c2) * sC),
      range(w, (i) => i * sW),
      range(b, (i) => (p.crd ? i : i * c2) * sC),
    ];
    return [sameData(gathered(inputs[0] as Tensor, view, maps), [n, c2, h * b, w * b])];
  }),

  SpaceToDepth: kernel(ops.SpaceToDepth, (inputs, p) => {
    const [n, c, h, w] = p.inDims as [number, number, number, number];
    const b = p.blocksize;
    const [sN, sC, sH, sW] = strides(p.inDims) as [number, number, number, number];
    // The output [N, C·b², H/b, W/b] seen as [N, b, b, C, H/b, W/b].
    const view = [n, b, b, c, h / b, w / b];
    const maps = [
      range(n, (i) => i * sN),
      range(b, (i) => i * sH),
      range(b, (i) => i * sW),
      range(c, (i) => i * sC),
      range(h / b, (i) => i * b * sH),
      range(w / b, (i) => i * b * sW),
    ];
    return [sameData(gathered(inputs[0] as Tensor, view, maps), [n, c * b * b, h / b, w / b])];
  }),
};
