/** Reference kernels that sample at fractional positions: GridSample, AffineGrid, RoiAlign, MaxRoiPool, DeformConv. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { convOps as ops, type GridSampleParams } from '../../engine/ops/conv.js';
import type { Tensor } from '../../engine/tensor.js';
import { prod, rint } from '../matmul/util.js';

// ---------------------------------------------------------------- GridSample

/** Reflects x into [lo, hi] by folding at the borders (the spec's reflection padding). */
function reflect(x: number, lo: number, hi: number): number {
  const rng = hi - lo;
  if (rng <= 0) return lo;
  if (x < lo) {
    const dx = lo - x;
    const n = Math.trunc(dx / rng);
    const r = dx - n * rng;
    return n % 2 === 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const dx = x - hi;
    const n = Math.trunc(dx / rng);
    const r = dx - n * rng;
    return n % 2 === 0 ? hi - r : lo + r;
  }
  return x;
}

/** Keys cubic convolution weights (A = -0.75) for fractional offset t in [0, 1). */
function cubicWeights(t: number, w: Float64Array): void {
  const A = -0.75;
  const x0 = t + 1;
  const x1 = t;
  const x2 = 1 - t;
  const x3 = 2 - t;
  w[0] = ((A * x0 - 5 * A) * x0 + 8 * A) * x0 - 4 * A;
  w[1] = ((A + 2) * x1 - (A + 3)) * x1 * x1 + 1;
  w[2] = ((A + 2) * x2 - (A + 3)) * x2 * x2 + 1;
  w[3] = ((A * x3 - 5 * A) * x3 + 8 * A) * x3 - 4 * A;
}

function gridSample(x: Tensor, grid: Tensor, p: GridSampleParams): Float64Array {
  const xv = toNumbers(x);
  const gv = toNumbers(grid);
  const r = p.inDims.length;
  const dims = p.inDims;
  const inSize = prod(dims);
  const outSize = prod(p.outDims);
  const y = new Float64Array(p.batch * p.channels * outSize);
  const lo = dims.map(() => (p.alignCorners ? 0 : -0.5));
  const hi = dims.map((d) => (p.alignCorners ? d - 1 : d - 0.5));
  const strides = new Array<number>(r);
  for (let a = r - 1, acc = 1; a >= 0; a--) {
    strides[a] = acc;
    acc *= dims[a]!;
  }
  const taps = p.mode === 'cubic' ? 4 : p.mode === 'linear' ? 2 : 1;
  // Per axis: the input index of each tap (-1 = zero padding) and its weight.
  const tapIdx = Array.from({ length: r }, () => new Int32Array(taps));
  const tapW = Array.from({ length: r }, () => new Float64Array(taps));
  const cw = new Float64Array(4);
  const pixel = (i: number, a: number): number => {
    const d = dims[a]!;
    if (p.padding === 'zeros') return i >= 0 && i < d ? i : -1;
    if (p.padding === 'border') return i < 0 ? 0 : i >= d ? d - 1 : i;
    return Math.trunc(reflect(i, lo[a]!, hi[a]!));
  };
  const nTaps = taps ** r;
  const cur = new Array<number>(r).fill(0);
  for (let n = 0; n < p.batch; n++) {
    for (let o = 0; o < outSize; o++) {
      const g = (n * outSize + o) * r;
      for (let a = 0; a < r; a++) {
        const norm = gv[g + r - 1 - a]!; // grid holds (x, y, z…): innermost axis first
        const d = dims[a]!;
        let c = p.alignCorners ? ((norm + 1) / 2) * (d - 1) : ((norm + 1) * d - 1) / 2;
        if (p.mode === 'nearest') c = rint(c); // half to even, for 2-D and 3-D alike (as the test data)
        if (c < lo[a]! || c > hi[a]!) {
          if (p.padding === 'border') c = Math.min(Math.max(c, 0), d - 1);
          else if (p.padding === 'reflection') c = reflect(c, lo[a]!, hi[a]!);
        }
        if (p.mode === 'nearest') {
          tapIdx[a]![0] = pixel(Math.trunc(c), a);
          tapW[a]![0] = 1;
        } else {
          const f = Math.floor(c);
          const t = c - f;
          if (p.mode === 'linear') {
            tapIdx[a]![0] = pixel(f, a);
            tapIdx[a]![1] = pixel(f + 1, a);
            tapW[a]![0] = 1 - t;
            tapW[a]![1] = t;
          } else {
            cubicWeights(t, cw);
            for (let k = 0; k < 4; k++) {
              tapIdx[a]![k] = pixel(f - 1 + k, a);
              tapW[a]![k] = cw[k]!;
            }
          }
        }
      }
      for (let ch = 0; ch < p.channels; ch++) {
        const base = (n * p.channels + ch) * inSize;
        let s = 0;
        cur.fill(0);
        for (let t = 0; t < nTaps; t++) {
          let w = 1;
          let off = base;
          for (let a = 0; a < r; a++) {
            const i = tapIdx[a]![cur[a]!]!;
            if (i < 0) {
              w = 0;
              break;
            }
            w *= tapW[a]![cur[a]!]!;
            off += i * strides[a]!;
          }
          if (w !== 0) s += w * xv[off]!;
          for (let a = r - 1; a >= 0; a--) {
            if (++cur[a]! < taps) break;
            cur[a] = 0;
          }
        }
        y[(n * p.channels + ch) * outSize + o] = s;
      }
    }
  }
  return y;
}

// ---------------------------------------------------------------- bilinear helper (DeformConv)

/** Bilinear sample of plane `v` (H x W at `off`) at (h, w); corners outside the plane count as 0. */
function bilinear(v: Float64Array, off: number, H: number, W: number, h: number, w: number): number {
  if (!(h > -1 && h < H && w > -1 && w < W)) return 0;
  const h0 = Math.floor(h);
  const w0 = Math.floor(w);
  const lh = h - h0;
  const lw = w - w0;
  let s = 0;
  if (h0 >= 0 && w0 >= 0) s += (1 - lh) * (1 - lw) * v[off + h0 * W + w0]!;
  if (h0 >= 0 && w0 + 1 < W) s += (1 - lh) * lw * v[off + h0 * W + w0 + 1]!;
  if (h0 + 1 < H && w0 >= 0) s += lh * (1 - lw) * v[off + (h0 + 1) * W + w0]!;
  if (h0 + 1 < H && w0 + 1 < W) s += lh * lw * v[off + (h0 + 1) * W + w0 + 1]!;
  return s;
}

export const sampleKernels: KernelMap = {
  GridSample: kernel(ops.GridSample, (inputs, p) => {
    const x = inputs[0] as Tensor;
    return [fromNumbers(x.type, gridSample(x, inputs[1] as Tensor, p), [p.batch, p.channels, ...p.outDims])];
  }),

  AffineGrid: kernel(ops.AffineGrid, (inputs, p) => {
    const theta = inputs[0] as Tensor;
    const th = toNumbers(theta);
    const r = p.dims.length;
    const base = p.dims.map((d) => Float64Array.from({ length: d }, (_, i) => (p.alignCorners ? (d > 1 ? -1 + (2 * i) / (d - 1) : -1) : -1 + (2 * i + 1) / d)));
    const P = prod(p.dims);
    const y = new Float64Array(p.batch * P * r);
    const coord = new Float64Array(r + 1);
    for (let n = 0; n < p.batch; n++) {
      const t = n * r * (r + 1);
      for (let q = 0; q < P; q++) {
        // homogeneous (x, y[, z], 1): x runs along the last axis
        let rem = q;
        for (let a = r - 1; a >= 0; a--) {
          coord[r - 1 - a] = base[a]![rem % p.dims[a]!]!;
          rem = Math.floor(rem / p.dims[a]!);
        }
        coord[r] = 1;
        for (let i = 0; i < r; i++) {
          let s = 0;
          for (let j = 0; j <= r; j++) s += th[t + i * (r + 1) + j]! * coord[j]!;
          y[(n * P + q) * r + i] = s;
        }
      }
    }
    return [fromNumbers(theta.type, y, [p.batch, ...p.dims, r])];
  }),

  RoiAlign: kernel(ops.RoiAlign, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const xv = toNumbers(x);
    const rois = toNumbers(inputs[1] as Tensor);
    const bidx = toNumbers(inputs[2] as Tensor);
    const { channels: C, height: H, width: W, outH, outW } = p;
    const y = new Float64Array(p.numRois * C * outH * outW);
    const off = p.halfPixel ? 0.5 : 0;
    for (let n = 0; n < p.numRois; n++) {
      const b = bidx[n]!;
      if (!(Number.isInteger(b) && b >= 0 && b < p.batch)) throw new KilnError('E_INPUT_INVALID', `RoiAlign batch index ${b} is out of range [0, ${p.batch})`);
      const x1 = rois[n * 4]! * p.spatialScale - off;
      const y1 = rois[n * 4 + 1]! * p.spatialScale - off;
      let rw = rois[n * 4 + 2]! * p.spatialScale - off - x1;
      let rh = rois[n * 4 + 3]! * p.spatialScale - off - y1;
      if (!p.halfPixel) {
        rw = Math.max(rw, 1);
        rh = Math.max(rh, 1);
      }
      const bh = rh / outH;
      const bw = rw / outW;
      const gh = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(rh / outH);
      const gw = p.samplingRatio > 0 ? p.samplingRatio : Math.ceil(rw / outW);
      const count = Math.max(gh * gw, 1);
      // Bilinear taps shared by every channel: 4 positions and weights per sample point.
      const pos = new Int32Array(outH * outW * gh * gw * 4);
      const wt = new Float64Array(outH * outW * gh * gw * 4);
      let s = 0;
      for (let ph = 0; ph < outH; ph++) {
        for (let pw = 0; pw < outW; pw++) {
          for (let iy = 0; iy < gh; iy++) {
            const yy = y1 + ph * bh + ((iy + 0.5) * bh) / gh;
            for (let ix = 0; ix < gw; ix++, s += 4) {
              const xx = x1 + pw * bw + ((ix + 0.5) * bw) / gw;
              if (yy < -1 || yy > H || xx < -1 || xx > W) continue; // weights stay 0
              let yl = Math.floor(Math.max(yy, 0));
              let xl = Math.floor(Math.max(xx, 0));
              let yh: number, xh: number;
              let ys = Math.max(yy, 0);
              let xs = Math.max(xx, 0);
              if (yl >= H - 1) { yl = yh = H - 1; ys = yl; } else yh = yl + 1;
              if (xl >= W - 1) { xl = xh = W - 1; xs = xl; } else xh = xl + 1;
              const ly = ys - yl, lx = xs - xl, hy = 1 - ly, hx = 1 - lx;
              pos[s] = yl * W + xl; pos[s + 1] = yl * W + xh; pos[s + 2] = yh * W + xl; pos[s + 3] = yh * W + xh;
              wt[s] = hy * hx; wt[s + 1] = hy * lx; wt[s + 2] = ly * hx; wt[s + 3] = ly * lx;
            }
          }
        }
      }
      const per = gh * gw * 4;
      for (let c = 0; c < C; c++) {
        const base = (b * C + c) * H * W;
        for (let q = 0; q < outH * outW; q++) {
          let acc = 0;
          let first = true;
          for (let t = q * per; t < (q + 1) * per; t += 4) {
            if (p.mode === 'avg') {
              acc += wt[t]! * xv[base + pos[t]!]! + wt[t + 1]! * xv[base + pos[t + 1]!]! + wt[t + 2]! * xv[base + pos[t + 2]!]! + wt[t + 3]! * xv[base + pos[t + 3]!]!;
            } else {
              const v = Math.max(wt[t]! * xv[base + pos[t]!]!, wt[t + 1]! * xv[base + pos[t + 1]!]!, wt[t + 2]! * xv[base + pos[t + 2]!]!, wt[t + 3]! * xv[base + pos[t + 3]!]!);
              acc = first ? v : Math.max(acc, v);
              first = false;
            }
          }
          y[((n * C + c) * outH * outW) + q] = p.mode === 'avg' ? acc / count : acc;
        }
      }
    }
    return [fromNumbers(x.type, y, [p.numRois, C, outH, outW])];
  }),

  MaxRoiPool: kernel(ops.MaxRoiPool, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const xv = toNumbers(x);
    const rois = toNumbers(inputs[1] as Tensor);
    const { channels: C, height: H, width: W, outH, outW } = p;
    const y = new Float64Array(p.numRois * C * outH * outW);
    const round = (v: number) => (v >= 0 ? Math.floor(v + 0.5) : Math.ceil(v - 0.5));
    for (let n = 0; n < p.numRois; n++) {
      const b = rois[n * 5]!;
      if (!(Number.isInteger(b) && b >= 0 && b < p.batch)) throw new KilnError('E_INPUT_INVALID', `MaxRoiPool batch index ${b} is out of range [0, ${p.batch})`);
      const sw = round(rois[n * 5 + 1]! * p.spatialScale);
      const sh = round(rois[n * 5 + 2]! * p.spatialScale);
      const ew = round(rois[n * 5 + 3]! * p.spatialScale);
      const eh = round(rois[n * 5 + 4]! * p.spatialScale);
      const bh = Math.max(eh - sh + 1, 1) / outH;
      const bw = Math.max(ew - sw + 1, 1) / outW;
      for (let c = 0; c < C; c++) {
        const base = (b * C + c) * H * W;
        for (let ph = 0; ph < outH; ph++) {
          const h0 = Math.min(Math.max(Math.floor(ph * bh) + sh, 0), H);
          const h1 = Math.min(Math.max(Math.ceil((ph + 1) * bh) + sh, 0), H);
          for (let pw = 0; pw < outW; pw++) {
            const w0 = Math.min(Math.max(Math.floor(pw * bw) + sw, 0), W);
            const w1 = Math.min(Math.max(Math.ceil((pw + 1) * bw) + sw, 0), W);
            let m = h1 <= h0 || w1 <= w0 ? 0 : -Infinity;
            for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) m = Math.max(m, xv[base + h * W + w]!);
            y[((n * C + c) * outH + ph) * outW + pw] = m;
          }
        }
      }
    }
    return [fromNumbers(x.type, y, [p.numRois, C, outH, outW])];
  }),

  DeformConv: kernel(ops.DeformConv, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const { batch, inC, outC, group, geo, offsetGroup } = p;
    if (geo.kernel.length !== 2) throw new KilnError('E_TYPE_UNSUPPORTED', `DeformConv supports 2-D input only, got ${geo.kernel.length} spatial axes`);
    const xv = toNumbers(x);
    const w = toNumbers(inputs[1] as Tensor);
    const offv = toNumbers(inputs[2] as Tensor);
    const bias = inputs[3] ? toNumbers(inputs[3] as Tensor) : undefined;
    const mask = inputs[4] ? toNumbers(inputs[4] as Tensor) : undefined;
    const [H, W] = geo.inDims as [number, number];
    const [OH, OW] = geo.outDims as [number, number];
    const [KH, KW] = geo.kernel as [number, number];
    const KK = KH * KW;
    const P = OH * OW;
    const Cg = inC / group;
    const Mg = outC / group;
    const Cog = inC / offsetGroup;
    // Deformed im2col per image: col[(c, tap), pos] = mask * bilinear(X[c], tap position + offset).
    const col = new Float64Array(inC * KK * P);
    const y = new Float64Array(batch * outC * P);
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < inC; c++) {
        const og = Math.floor(c / Cog);
        const plane = (n * inC + c) * H * W;
        for (let kh = 0; kh < KH; kh++) {
          for (let kw = 0; kw < KW; kw++) {
            const q = kh * KW + kw;
            const offH = ((n * offsetGroup + og) * KK * 2 + q * 2) * P;
            const offW = offH + P;
            const mOff = ((n * offsetGroup + og) * KK + q) * P;
            const row = (c * KK + q) * P;
            for (let oh = 0; oh < OH; oh++) {
              for (let ow = 0; ow < OW; ow++) {
                const pos = oh * OW + ow;
                const h = oh * geo.strides[0]! - geo.padsBegin[0]! + kh * geo.dilations[0]! + offv[offH + pos]!;
                const ww = ow * geo.strides[1]! - geo.padsBegin[1]! + kw * geo.dilations[1]! + offv[offW + pos]!;
                const m = mask ? mask[mOff + pos]! : 1;
                col[row + pos] = m === 0 ? 0 : m * bilinear(xv, plane, H, W, h, ww);
              }
            }
          }
        }
      }
      for (let m = 0; m < outC; m++) {
        const g = Math.floor(m / Mg);
        const yo = (n * outC + m) * P;
        if (bias) y.fill(bias[m]!, yo, yo + P);
        for (let k = 0; k < Cg * KK; k++) {
          const wv = w[m * Cg * KK + k]!;
          if (wv === 0) continue;
          const row = (g * Cg * KK + k) * P;
          for (let pos = 0; pos < P; pos++) y[yo + pos] = y[yo + pos]! + wv * col[row + pos]!;
        }
      }
    }
    return [fromNumbers(x.type, y, [batch, outC, OH, OW])];
  }),
};
