/**
 * Resize's per-axis sampling worked out on the host (it depends on the params only, never on the data):
 * for each output coordinate of an axis, the input coordinate the transform gives, then either the
 * nearest input index or the interpolation taps (linear, cubic; antialias widens them; exclude_outside
 * drops and renormalises). The formulas are ONNX's, shared with the other backends
 * (src/engine/ops/shape/resize-sampling.ts); the GPU only gathers with these tables (resize.wgsl).
 */
import type { ResizeParams } from '../../engine/ops/shape.js';
import { nearestIndex, resizeTapCount, resizeTaps, sourceCoord } from '../../engine/ops/shape/resize-sampling.js';

/** Taps of every output coordinate of axis `a`, `taps` per coordinate: index (-1 first: extrapolate) and weight. */
export function axisTaps(p: ResizeParams, a: number): { taps: number; idx: Int32Array; w: Float32Array } {
  const outN = p.outDims[a]!;
  const taps = resizeTapCount(p, a);
  const idx = new Int32Array(outN * taps);
  const w = new Float32Array(outN * taps);
  for (let o = 0; o < outN; o++) {
    const t = resizeTaps(p, a, o);
    if (!t) {
      idx[o * taps] = -1;
      continue;
    }
    idx.set(t.idx, o * taps);
    w.set(t.w, o * taps);
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
