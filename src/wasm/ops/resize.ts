/**
 * Resize / Upsample (float32) of the last two axes, any mode (nearest, linear, cubic), antialias and
 * exclude_outside included: the coordinate transform becomes per-axis tap tables here, and the kernel
 * does the weighted gathers. Leading axes must be left alone (their taps the identity).
 */
import type { ResizeParams } from '../../engine/ops/shape.js';
import { isTensorOf, type WasmOp } from './types.js';

interface Taps { readonly idx: number[]; readonly w: number[] }

/** The source coordinate of output position o on axis a (ONNX coordinate_transformation_mode). */
function sourceCoord(p: ResizeParams, a: number, o: number): number {
  const n = p.inDims[a]!;
  const s = p.scales[a]!;
  const len = s * n;
  switch (p.coord) {
    case 'align_corners': return len === 1 ? 0 : (o * (n - 1)) / (len - 1);
    case 'asymmetric': return o / s;
    case 'pytorch_half_pixel': return len === 1 ? -0.5 : (o + 0.5) / s - 0.5;
    case 'tf_half_pixel_for_nn': return (o + 0.5) / s;
    case 'half_pixel_symmetric': return (n / 2) * (1 - p.outDims[a]! / len) + (o + 0.5) / s - 0.5;
    default: return (o + 0.5) / s - 0.5;
  }
}

function nearest(p: ResizeParams, a: number, x: number): number {
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

const cubic = (x: number, A: number): number => {
  const t = Math.abs(x);
  if (t <= 1) return ((A + 2) * t - (A + 3)) * t * t + 1;
  if (t < 2) return ((A * t - 5 * A) * t + 8 * A) * t - 4 * A;
  return 0;
};

function taps(p: ResizeParams, a: number, o: number): Taps {
  const x = sourceCoord(p, a, o);
  if (p.mode === 'nearest') return { idx: [nearest(p, a, x)], w: [1] };
  const n = p.inDims[a]!;
  let base = Math.floor(x);
  let r = x - base;
  if (r === 0) { r = 1; base -= 1; }
  const s = p.antialias ? Math.min(p.scales[a]!, 1) : 1;
  const isCubic = p.mode === 'cubic';
  const start = isCubic ? (p.antialias ? Math.floor(-2 / s) + 1 : -1) : p.antialias ? Math.floor(-1 / s) + 1 : 0;
  const idx: number[] = [];
  const w: number[] = [];
  for (let i = start; i < 2 - start; i++) {
    const d = (i - r) * s;
    let wt = isCubic ? cubic(d, p.cubicA) : Math.max(0, 1 - Math.abs(d));
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

/** Whether axis a maps every output position onto the same input position (weights summing to 1). */
function identity(p: ResizeParams, a: number): boolean {
  if (p.inDims[a] !== p.outDims[a]) return false;
  for (let o = 0; o < p.outDims[a]!; o++) {
    const t = taps(p, a, o);
    let sum = 0;
    for (let k = 0; k < t.w.length; k++) {
      if (t.w[k] === 0) continue;
      if (t.idx[k] !== o) return false;
      sum += t.w[k]!;
    }
    if (Math.abs(sum - 1) > 1e-12) return false;
  }
  return true;
}

const resizeOp: WasmOp<ResizeParams> = {
  accepts: (inputs, p) => {
    const r = p.inDims.length;
    if (!isTensorOf(inputs[0], 'float32') || r < 2 || p.coord === 'tf_crop_and_resize') return false;
    for (let a = 0; a < r - 2; a++) if (!identity(p, a)) return false;
    return true;
  },
  run: (ctx, p) => {
    const rt = ctx.rt;
    const r = p.inDims.length;
    const [H, W] = [p.inDims[r - 2]!, p.inDims[r - 1]!];
    const [OH, OW] = [p.outDims[r - 2]!, p.outDims[r - 1]!];
    const y = ctx.out(0, 'float32', p.outDims);
    const planes = p.outDims.slice(0, r - 2).reduce((a, b) => a * b, 1);
    if (planes * OH * OW === 0 || H * W === 0) return;
    const table = (a: number, n: number) => {
      const all = Array.from({ length: n }, (_, o) => taps(p, a, o));
      const t = all[0]?.idx.length ?? 1;
      const idx = ctx.scratch(n * t * 4);
      const w = ctx.scratch(n * t * 4);
      all.forEach((tp, o) => tp.idx.forEach((v, k) => { rt.i32[idx / 4 + o * t + k] = v; rt.f32[w / 4 + o * t + k] = tp.w[k]!; }));
      return { t, idx, w };
    };
    const th = table(r - 2, OH);
    const tw = table(r - 1, OW);
    const tmp = ctx.scratch(rt.slices * (OH * W + 4) * 4);
    const x = ctx.in(0).ptr;
    rt.par('resize2d', [x, y, planes, H, W, OH, OW, th.t, th.idx, th.w, tw.t, tw.idx, tw.w, tmp], planes * OH * OW * (th.t + tw.t));
  },
};

export const resizeWasmOps = { Resize: resizeOp, Upsample: resizeOp };
