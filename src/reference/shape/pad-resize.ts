/** Reference kernels: Pad, CenterCropPad, Resize, Upsample. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { shapeOps as ops, type PadMode, type ResizeParams } from '../../engine/ops/shape.js';
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

/** Where output coordinate `o` of one axis falls in the input (fractional), or undefined outside the roi crop. */
function sourceCoord(p: ResizeParams, a: number, o: number): number | undefined {
  const n = p.inDims[a]!;
  const s = p.scales[a]!;
  const outW = s * n; // the (possibly fractional) output length the transform uses
  switch (p.coord) {
    case 'align_corners': return outW === 1 ? 0 : (o * (n - 1)) / (outW - 1);
    case 'asymmetric': return o / s;
    case 'pytorch_half_pixel': return outW === 1 ? -0.5 : (o + 0.5) / s - 0.5;
    case 'tf_half_pixel_for_nn': return (o + 0.5) / s;
    case 'half_pixel_symmetric': {
      const adj = p.outDims[a]! / outW;
      const offset = (n / 2) * (1 - adj);
      return offset + (o + 0.5) / s - 0.5;
    }
    case 'tf_crop_and_resize': {
      const [r0, r1] = [p.roiStart[a]!, p.roiEnd[a]!];
      const x = (outW === 1 ? ((r1 - r0) * (n - 1)) / 2 : (o * (r1 - r0) * (n - 1)) / (outW - 1)) + r0 * (n - 1);
      return x < 0 || x > n - 1 ? undefined : x;
    }
    default: return (o + 0.5) / s - 0.5; // half_pixel
  }
}

function nearestIndex(p: ResizeParams, a: number, x: number): number {
  const n = p.inDims[a]!;
  let i: number;
  if (Number.isInteger(x)) i = x;
  else {
    const f = Math.floor(x);
    const r = x - f;
    switch (p.nearestMode) {
      case 'round_prefer_ceil': i = r < 0.5 ? f : f + 1; break;
      case 'floor': i = f; break;
      case 'ceil': i = f + 1; break;
      case 'simple': i = p.scales[a]! < 1 ? Math.ceil(x) : f; break;
      default: i = r <= 0.5 ? f : f + 1; // round_prefer_floor
    }
  }
  return Math.min(Math.max(i, 0), n - 1);
}

function cubicKernel(x: number, A: number): number {
  const t = Math.abs(x);
  if (t <= 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return 0;
}

interface Taps { idx: number[]; w: number[] }

/** The input taps (indices and weights) of output coordinate `o` along axis `a`; undefined = extrapolate. */
function taps(p: ResizeParams, a: number, o: number): Taps | undefined {
  const x = sourceCoord(p, a, o);
  if (x === undefined) return undefined;
  const n = p.inDims[a]!;
  // ratio in (0, 1]: an integer coordinate counts as the right end of the cell to its left.
  let base = Math.floor(x);
  let r = x - base;
  if (r === 0) { r = 1; base -= 1; }
  const s = p.antialias ? Math.min(p.scales[a]!, 1) : 1;
  const cubic = p.mode === 'cubic';
  const start = cubic ? (p.antialias ? Math.floor(-2 / s) + 1 : -1) : p.antialias ? Math.floor(-1 / s) + 1 : 0;
  const end = 2 - start;
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = start; i < end; i++) {
    const d = (i - r) * s;
    let wt = cubic ? cubicKernel(d, p.cubicA) : Math.max(0, 1 - Math.abs(d));
    const at = base + i;
    if (p.excludeOutside && (at < 0 || at >= n)) wt = 0;
    idx.push(Math.min(Math.max(at, 0), n - 1));
    w.push(wt);
  }
  if (p.antialias || p.excludeOutside) {
    const sum = w.reduce((q, v) => q + v, 0);
    if (sum !== 0) for (let i = 0; i < w.length; i++) w[i]! /= sum;
  }
  return { idx, w };
}

/** One pass of linear/cubic resizing along axis `a`: dims[a] becomes out. */
function resizeAxis(src: Float64Array, dims: number[], a: number, p: ResizeParams): Float64Array {
  const outN = p.outDims[a]!;
  const n = dims[a]!;
  const outer = prod(dims, 0, a);
  const inner = prod(dims, a + 1);
  const dst = new Float64Array(outer * outN * inner);
  const all = Array.from({ length: outN }, (_, o) => taps(p, a, o));
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
