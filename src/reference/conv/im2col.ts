/**
 * im2col packing (Conv as a matrix product) and its inverse col2im (ConvTranspose, Col2Im).
 *
 * For a window geometry over an image of `inDims`, column p of the im2col matrix is output position p
 * and row k = (channel, kernel position) holds the input element that kernel tap reads (0 in padding).
 */
import type { Geometry } from '../../engine/ops/conv.js';
import type { PackB, Src } from '../matmul/gemm.js';

const prod = (d: readonly number[]): number => d.reduce((a, b) => a * b, 1);

/** Per kernel position: offset of each spatial axis relative to the window origin (k * dilation - pad). */
function kernelOffsets(geo: Geometry): Int32Array[] {
  const nd = geo.kernel.length;
  const kk = prod(geo.kernel);
  const out = Array.from({ length: nd }, () => new Int32Array(kk));
  for (let q = 0; q < kk; q++) {
    let r = q;
    for (let d = nd - 1; d >= 0; d--) {
      const k = r % geo.kernel[d]!;
      r = Math.floor(r / geo.kernel[d]!);
      out[d]![q] = k * geo.dilations[d]! - geo.padsBegin[d]!;
    }
  }
  return out;
}

/** Window origins (o * stride) of output positions [n0, n0 + nt), per spatial axis. */
function origins(geo: Geometry, n0: number, nt: number, dst: Int32Array[]): void {
  const nd = geo.outDims.length;
  for (let j = 0; j < nt; j++) {
    let r = n0 + j;
    for (let d = nd - 1; d >= 0; d--) {
      const o = r % geo.outDims[d]!;
      r = Math.floor(r / geo.outDims[d]!);
      dst[d]![j] = o * geo.strides[d]!;
    }
  }
}

/**
 * A PackB over the im2col matrix of `channels` channels of image `x` starting at `xOff`
 * (K = channels * prod(kernel) rows, prod(outDims) columns).
 */
export function im2colPackB(x: Src, xOff: number, channels: number, geo: Geometry): PackB {
  const nd = geo.kernel.length;
  const kk = prod(geo.kernel);
  const K = channels * kk;
  const inSize = prod(geo.inDims);
  const koff = kernelOffsets(geo);
  const NR = 4;
  if (nd === 2) {
    const [H, W] = geo.inDims as [number, number];
    const [dyK, dxK] = koff as [Int32Array, Int32Array];
    let oy = new Int32Array(0);
    let ox = new Int32Array(0);
    return (n0, nt, dst) => {
      if (oy.length < nt) {
        oy = new Int32Array(nt);
        ox = new Int32Array(nt);
      }
      origins(geo, n0, nt, [oy, ox]);
      const padded = Math.ceil(nt / NR) * NR;
      for (let c = 0; c < channels; c++) {
        const base = xOff + c * inSize;
        for (let q = 0; q < kk; q++) {
          const k = c * kk + q;
          const dy = dyK[q]!;
          const dx = dxK[q]!;
          for (let j = 0; j < nt; j++) {
            const iy = oy[j]! + dy;
            const ix = ox[j]! + dx;
            dst[((j >> 2) * K + k) * NR + (j & 3)] = iy >= 0 && iy < H && ix >= 0 && ix < W ? x[base + iy * W + ix]! : 0;
          }
          for (let j = nt; j < padded; j++) dst[((j >> 2) * K + k) * NR + (j & 3)] = 0;
        }
      }
    };
  }
  const inStrides = new Array<number>(nd);
  for (let d = nd - 1, acc = 1; d >= 0; d--) {
    inStrides[d] = acc;
    acc *= geo.inDims[d]!;
  }
  let org = Array.from({ length: nd }, () => new Int32Array(0));
  return (n0, nt, dst) => {
    if (org[0]!.length < nt) org = Array.from({ length: nd }, () => new Int32Array(nt));
    origins(geo, n0, nt, org);
    const padded = Math.ceil(nt / NR) * NR;
    for (let c = 0; c < channels; c++) {
      const base = xOff + c * inSize;
      for (let q = 0; q < kk; q++) {
        const k = c * kk + q;
        for (let j = 0; j < nt; j++) {
          let off = base;
          let ok = true;
          for (let d = 0; d < nd; d++) {
            const i = org[d]![j]! + koff[d]![q]!;
            if (i < 0 || i >= geo.inDims[d]!) {
              ok = false;
              break;
            }
            off += i * inStrides[d]!;
          }
          dst[((j >> 2) * K + k) * NR + (j & 3)] = ok ? x[off]! : 0;
        }
        for (let j = nt; j < padded; j++) dst[((j >> 2) * K + k) * NR + (j & 3)] = 0;
      }
    }
  };
}

/** True when im2col is the identity (1x1 kernel, stride 1, no padding): B is the image itself. */
export function isPointwise(geo: Geometry): boolean {
  return geo.kernel.every((k, d) => k === 1 && geo.strides[d] === 1 && geo.padsBegin[d] === 0 && geo.outDims[d] === geo.inDims[d]);
}

/**
 * col2im: out[c, image position] += col[c * prod(kernel) + q, p] for every kernel tap q and window
 * position p whose tap lands inside the image (the adjoint of im2col).
 */
export function col2im(col: Float64Array, colOff: number, channels: number, geo: Geometry, out: Float64Array, outOff: number): void {
  const nd = geo.kernel.length;
  const kk = prod(geo.kernel);
  const P = prod(geo.outDims);
  const inSize = prod(geo.inDims);
  const koff = kernelOffsets(geo);
  const org = Array.from({ length: nd }, () => new Int32Array(P));
  origins(geo, 0, P, org);
  const inStrides = new Array<number>(nd);
  for (let d = nd - 1, acc = 1; d >= 0; d--) {
    inStrides[d] = acc;
    acc *= geo.inDims[d]!;
  }
  for (let c = 0; c < channels; c++) {
    const ob = outOff + c * inSize;
    for (let q = 0; q < kk; q++) {
      const row = colOff + (c * kk + q) * P;
      for (let p = 0; p < P; p++) {
        let off = ob;
        let ok = true;
        for (let d = 0; d < nd; d++) {
          const i = org[d]![p]! + koff[d]![q]!;
          if (i < 0 || i >= geo.inDims[d]!) {
            ok = false;
            break;
          }
          off += i * inStrides[d]!;
        }
        if (ok) out[off] = out[off]! + col[row + p]!;
      }
    }
  }
}
