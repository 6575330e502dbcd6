/** Reference kernels: Pad, CenterCropPad, Resize, Upsample. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { shapeOps as ops, type PadMode, type ResizeParams } from '../../engine/ops/shape.js';
import { nearestIndex, resizeTaps, sourceCoord } from '../../engine/ops/shape/resize-sampling.js';
import { sizeOf, type Tensor } from '../../engine/tensor.js';
import { alloc, build, elems, gatherByMaps, prod, strides } from './common.js';

/** Source index along one axis for output position `o` of a pad with `begin` leading pads; -1 = fill. */
function padSource(o: number, begin: number, n: number, mode: PadMode): number {
  const i = o - begin;
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant': return -1;
    case 'edge': return i < 0 ? 0 : n - 1;
    case 'wrap': return ((i % n) + n) % n;
    case 'reflect': {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const m = ((i % period) + period) % period;
      return m < n ? m : period - m;
    }
  }
}

function mapsFor(outDims: readonly number[], inDims: readonly number[], source: (axis: number, o: number) => number): Float64Array[] {
  const st = strides(inDims);
  return outDims.map((n, a) => {
    const m = new Float64Array(n);
    for (let o = 0; o < n; o++) {
      const i = source(a, o);
      m[o] = i < 0 ? -1 : i * st[a]!;
    }
    return m;
  });
}

// ---------------------------------------------------------------- Resize

/** One pass of linear/cubic resizing along axis `a`: dims[a] becomes out. */
function resizeAxis(src: Float64Array, dims: number[], a: number, p: ResizeParams): Float64Array {
  const outN = p.outDims[a]!;
  const n = dims[a]!;
  const outer = prod(dims, 0, a);
  const inner = prod(dims, a + 1);
  const dst = new Float64Array(outer * outN * inner);
  const all = Array.from({ length: outN }, (_, o) => resizeTaps(p, a, o));
  for (let oi = 0; oi < outer; oi++) {
    for (let o = 0; o < outN; o++) {
      const t = all[o];
      const d = (oi * outN + o) * inner;
      if (!t) {
        dst.fill(p.extrapolation, d, d + inner);
        continue;
      }
      for (let k = 0; k < t.idx.length; k++) {
        const wk = t.w[k]!;
        if (wk === 0) continue;
        const sOff = (oi * n + t.idx[k]!) * inner;
        for (let i = 0; i < inner; i++) dst[d + i]! += wk * src[sOff + i]!;
      }
    }
  }
  dims[a] = outN;
  return dst;
}

const IDENTITY_COORDS = new Set(['half_pixel', 'half_pixel_symmetric', 'align_corners', 'asymmetric', 'pytorch_half_pixel']);

function resize(x: Tensor, p: ResizeParams): Tensor {
  const r = p.inDims.length;
  if (p.mode === 'nearest') {
    const st = strides(p.inDims);
    const extrap = fromNumbers(x.type === 'string' ? 'float32' : x.type, [p.extrapolation], []);
    const maps = p.outDims.map((n, a) => {
      const m = new Float64Array(n);
      for (let o = 0; o < n; o++) {
        const c = sourceCoord(p, a, o);
        m[o] = c === undefined ? -1 : nearestIndex(p, a, c) * st[a]!;
      }
      return m;
    });
    const out = alloc(x.type, sizeOf(p.outDims));
    gatherByMaps(elems(x), out, p.outDims, maps, x.type === 'string' ? '' : elems(extrap)[0]);
    return build(x.type, out, p.outDims);
  }
  let data = toNumbers(x);
  const dims = [...p.inDims];
  for (let a = 0; a < r; a++) {
    // Axes left alone map every output coordinate onto the same input one: skip them.
    const identity = p.outDims[a] === p.inDims[a] && p.scales[a] === 1 && IDENTITY_COORDS.has(p.coord);
    if (!identity) data = resizeAxis(data, dims, a, p);
  }
  return fromNumbers(x.type, data, p.outDims);
}

export const padResizeKernels: KernelMap = {
  Pad: kernel(ops.Pad, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const maps = mapsFor(p.outDims, p.inDims, (a, o) => padSource(o, p.pads[a]!, p.inDims[a]!, p.mode));
    const fill = p.fill ? elems(p.fill)[0] : alloc(x.type, 1)[0];
    const out = alloc(x.type, sizeOf(p.outDims));
    gatherByMaps(elems(x), out, p.outDims, maps, fill);
    return [build(x.type, out, p.outDims)];
  }),

  CenterCropPad: kernel(ops.CenterCropPad, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const maps = mapsFor(p.outDims, p.inDims, (a, o) => {
      const n = p.inDims[a]!;
      const m = p.outDims[a]!;
      if (m <= n) return o + Math.floor((n - m) / 2);
      const i = o - Math.floor((m - n) / 2);
      return i >= 0 && i < n ? i : -1;
    });
    const out = alloc(x.type, sizeOf(p.outDims));
    gatherByMaps(elems(x), out, p.outDims, maps, alloc(x.type, 1)[0]);
    return [build(x.type, out, p.outDims)];
  }),

  Resize: kernel(ops.Resize, (inputs, p) => [resize(inputs[0] as Tensor, p)]),
  Upsample: kernel(ops.Upsample, (inputs, p) => [resize(inputs[0] as Tensor, p)]),
};
