/**
 * Resize's sampling along one axis, as ONNX defines it, shared by every backend's Resize (reference,
 * wasm, WebGPU) so they agree to the bit: where an output coordinate falls in the input
 * (coordinate_transformation_mode), the nearest input index (nearest_mode), and the weighted input taps
 * of linear and cubic modes (antialias widens them; exclude_outside drops taps outside and renormalises).
 * All of it depends on ResizeParams only, never on the data.
 */
import type { ResizeParams } from './pad-resize.js';

/** Where output coordinate `o` of axis `a` falls in the input (fractional), or undefined outside the roi crop. */
export function sourceCoord(p: ResizeParams, a: number, o: number): number | undefined {
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
      return (n / 2) * (1 - adj) + (o + 0.5) / s - 0.5;
    }
    case 'tf_crop_and_resize': {
      const [r0, r1] = [p.roiStart[a]!, p.roiEnd[a]!];
      const x = (outW === 1 ? ((r1 - r0) * (n - 1)) / 2 : (o * (r1 - r0) * (n - 1)) / (outW - 1)) + r0 * (n - 1);
      return x < 0 || x > n - 1 ? undefined : x;
    }
    default: return (o + 0.5) / s - 0.5; // half_pixel
  }
}

/** The input index nearest mode picks for source coordinate x on axis a, clamped to the axis. */
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
      default: i = r <= 0.5 ? f : f + 1; // round_prefer_floor
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

/** The tap window of axis `a`: taps run from start to 1 - start, at a spacing of s (antialias: the scale). */
function window(p: ResizeParams, a: number): { s: number; start: number } {
  const s = p.antialias ? Math.min(p.scales[a]!, 1) : 1;
  const start = p.mode === 'cubic' ? (p.antialias ? Math.floor(-2 / s) + 1 : -1) : p.antialias ? Math.floor(-1 / s) + 1 : 0;
  return { s, start };
}

/** Taps per output coordinate of axis `a` (what resizeTaps returns for each). */
export function resizeTapCount(p: ResizeParams, a: number): number {
  return 2 - 2 * window(p, a).start;
}

/** Input indices (clamped to the axis) and weights of one output coordinate. */
export interface ResizeTaps { readonly idx: number[]; readonly w: number[] }

/**
 * The linear or cubic taps of output coordinate `o` along axis `a`; undefined outside the roi crop
 * (extrapolate). Every coordinate of an axis gets resizeTapCount taps.
 */
export function resizeTaps(p: ResizeParams, a: number, o: number): ResizeTaps | undefined {
  const x = sourceCoord(p, a, o);
  if (x === undefined) return undefined;
  const n = p.inDims[a]!;
  // ratio in (0, 1]: an integer coordinate counts as the right end of the cell to its left.
  let base = Math.floor(x);
  let r = x - base;
  if (r === 0) { r = 1; base -= 1; }
  const { s, start } = window(p, a);
  const cubic = p.mode === 'cubic';
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = start; i < 2 - start; i++) {
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
