/**
 * Resize's per-axis sampling worked out on the host (it depends on the params only, never on the data):
 * for each output coordinate of an axis, the input coordinate the transform gives, then either the
 * nearest input index or the interpolation taps (linear, cubic; antialias widens them; exclude_outside
 * drops and renormalises). The formulas are ONNX's, as src/reference/shape/pad-resize.ts spells them; the
 * GPU only gathers with these tables (resize.wgsl).
 */
import type { ResizeParams } from '../../engine/ops/shape.js';

/** Where output coordinate `o` of axis `a` falls in the input, or undefined outside the crop region. */
export function sourceCoord(p: ResizeParams, a: number, o: number): number | undefined {
  const n = p.inDims[a]!;
  const s = p.scales[a]!;
  const outW = s * n;
  switch (p.coord) {
    case 'align_corners': return outW === 1 ? 0 : (o * (n - 1)) / (outW - 1);
    case 'asymmetric': return o / s;
    case 'pytorch_half_pixel': return outW === 1 ? -0.5 : (o + 0.5) / s - 0.5;
    case 'tf_half_pixel_for_nn': return (o + 0.5) / s;
    case 'half_pixel_symmetric': {
      const adj = p.outDims[a]! / outW;
      return (n / 2) * (1 - adj) + (o + 0.5) / s - 0.5;
    }
    case 'tf_crop_and_resize': {
      const [r0, r1] = [p.roiStart[a]!, p.roiEnd[a]!];
      const x = (outW === 1 ? ((r1 - r0) * (n - 1)) / 2 : (o * (r1 - r0) * (n - 1)) / (outW - 1)) + r0 * (n - 1);
      return x < 0 || x > n - 1 ? undefined : x;
    }
    default: return (o + 0.5) / s - 0.5;
  }
}

export function nearestIndex(p: ResizeParams, a: number, x: number): number {
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
      default: i = r <= 0.5 ? f : f + 1;
    }
  }
  return Math.min(Math.max(i, 0), p.inDims[a]! - 1);
}

function cubicKernel(x: number, A: number): number {
  const t = Math.abs(x);
  if (t <= 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return 0;
}

/** Taps of every output coordinate of axis `a`, `taps` per coordinate: index (-1 first: extrapolate) and weight. */
export function axisTaps(p: ResizeParams, a: number): { taps: number; idx: Int32Array; w: Float32Array } {
  const n = p.inDims[a]!;
  const outN = p.outDims[a]!;
  const s = p.antialias ? Math.min(p.scales[a]!, 1) : 1;
  const cubic = p.mode === 'cubic';
  const start = cubic ? (p.antialias ? Math.floor(-2 / s) + 1 : -1) : p.antialias ? Math.floor(-1 / s) + 1 : 0;
  const taps = 2 - 2 * start;
  const idx = new Int32Array(outN * taps);
  const w = new Float32Array(outN * taps);
  for (let o = 0; o < outN; o++) {
    const x = sourceCoord(p, a, o);
    if (x === undefined) {
      idx[o * taps] = -1;
      continue;
    }
    // ratio in (0, 1]: an integer coordinate counts as the right end of the cell to its left.
    let base = Math.floor(x);
    let r = x - base;
    if (r === 0) { r = 1; base -= 1; }
    const wt = new Float64Array(taps);
    for (let t = 0; t < taps; t++) {
      const d = (start + t - r) * s;
      const at = base + start + t;
      wt[t] = p.excludeOutside && (at < 0 || at >= n) ? 0 : cubic ? cubicKernel(d, p.cubicA) : Math.max(0, 1 - Math.abs(d));
      idx[o * taps + t] = Math.min(Math.max(at, 0), n - 1);
    }
    const sum = p.antialias || p.excludeOutside ? wt.reduce((q, v) => q + v, 0) : 0;
    for (let t = 0; t < taps; t++) w[o * taps + t] = sum !== 0 ? wt[t]! / sum : wt[t]!;
  }
  return { taps, idx, w };
}

/** Per-axis source offsets (index × input stride; -1 outside the crop) of nearest Resize, concatenated. */
export function nearestMaps(p: ResizeParams, strides: readonly number[]): { maps: Int32Array; offsets: number[] } {
  const offsets: number[] = [];
  let total = 0;
  for (const n of p.outDims) {
    offsets.push(total);
    total += n;
  }
  const maps = new Int32Array(Math.max(1, total));
  p.outDims.forEach((n, a) => {
    for (let o = 0; o < n; o++) {
      const c = sourceCoord(p, a, o);
      maps[offsets[a]! + o] = c === undefined ? -1 : nearestIndex(p, a, c) * strides[a]!;
    }
  });
  return { maps, offsets };
}
