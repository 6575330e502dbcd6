/**
 * Resize / Upsample (float32) of the last two axes, any mode (nearest, linear, cubic), antialias and
 * exclude_outside included: the coordinate transform becomes per-axis tap tables here, and the kernel
 * does the weighted gathers. Leading axes must be left alone (their taps the identity).
 */
import type { ResizeParams } from '../../engine/ops/shape.js';
import { nearestIndex, resizeTaps, sourceCoord } from '../../engine/ops/shape/resize-sampling.js';
import { isTensorOf, type WasmOp } from './types.js';

interface Taps { readonly idx: readonly number[]; readonly w: readonly number[] }

/** The taps of output position o on axis a: one for nearest, else linear/cubic (never outside a crop: see accepts). */
function taps(p: ResizeParams, a: number, o: number): Taps {
  if (p.mode !== 'nearest') return resizeTaps(p, a, o)!;
  return { idx: [nearestIndex(p, a, sourceCoord(p, a, o)!)], w: [1] };
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
