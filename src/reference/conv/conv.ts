/** Reference kernels: Conv, ConvInteger, QLinearConv, ConvTranspose, Col2Im, CausalConvWithState. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { convOps as ops, type ConvParams } from '../../engine/ops/conv.js';
import type { Tensor } from '../../engine/tensor.js';
import { gemm, gemmPacked, packA, stridedB, type Src } from '../matmul/gemm.js';
import { numericView, perChannel, prod, rint, roundTo, saturate } from '../matmul/util.js';
import { col2im, im2colPackB, isPointwise } from './im2col.js';

/**
 * Y[n, m, out] = bias[m] + Σ_{c in m's group, taps} W[m, c, tap] · X[n, c, out·stride + tap·dilation - pad]
 * in float64, as one matrix product per (image, group): W_g [Mg x Cg·KK] times im2col(X_g) [Cg·KK x P].
 */
export function convForward(p: ConvParams, x: Src, w: Src, bias: ArrayLike<number> | undefined): Float64Array {
  const { batch, inC, outC, group, geo } = p;
  const Cg = inC / group;
  const Mg = outC / group;
  const K = Cg * prod(geo.kernel);
  const inSize = prod(geo.inDims);
  const P = prod(geo.outDims);
  const out = new Float64Array(batch * outC * P);
  if (P === 0) return out;
  const pointwise = isPointwise(geo);
  const panels = Array.from({ length: group }, (_, g) => (Mg >= 4 ? packA(Mg, K, w, g * Mg * K, K, 1) : undefined));
  for (let n = 0; n < batch; n++) {
    for (let g = 0; g < group; g++) {
      const cOff = (n * outC + g * Mg) * P;
      const xOff = (n * inC + g * Cg) * inSize;
      if (bias) for (let m = 0; m < Mg; m++) out.fill(bias[g * Mg + m]!, cOff + m * P, cOff + (m + 1) * P);
      const ap = panels[g];
      if (ap) {
        const packB = pointwise ? stridedB(K, x, xOff, inSize, 1) : im2colPackB(x, xOff, Cg, geo);
        gemmPacked(Mg, P, K, ap, packB, out, cOff, P, bias !== undefined);
      } else {
        // Few output channels per group (depthwise): materialise im2col once and use the few-rows path.
        const col = pointwise ? x : materialise(im2colPackB(x, xOff, Cg, geo), K, P);
        gemm(Mg, P, K, w, g * Mg * K, K, 1, col, pointwise ? xOff : 0, pointwise ? inSize : P, 1, out, cOff, P, bias !== undefined);
      }
    }
  }
  return out;
}

/** Unpacks a PackB into a row-major K x P matrix. */
function materialise(packB: (n0: number, nt: number, dst: Float64Array) => void, K: number, P: number): Float64Array {
  const NT = 256;
  const buf = new Float64Array(K * NT);
  const col = new Float64Array(K * P);
  for (let n0 = 0; n0 < P; n0 += NT) {
    const nt = Math.min(NT, P - n0);
    packB(n0, nt, buf);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < nt; j++) col[k * P + n0 + j] = buf[((j >> 2) * K + k) * 4 + (j & 3)]!;
    }
  }
  return col;
}

const outDimsOf = (p: ConvParams): number[] => [p.batch, p.outC, ...p.geo.outDims];

/** x - zero point (per tensor), w - zero point (per output channel), as doubles. */
function shiftedOperands(p: ConvParams, x: Tensor, xzp: Tensor | undefined, w: Tensor, wzp: Tensor | undefined): [Float64Array, Float64Array] {
  const xv = toNumbers(x);
  const wv = toNumbers(w);
  const zx = perChannel(xzp, 1, 'x_zero_point')[0]!;
  const zw = perChannel(wzp, p.outC, 'w_zero_point');
  if (zx !== 0) for (let i = 0; i < xv.length; i++) xv[i] = xv[i]! - zx;
  const per = wv.length / p.outC;
  for (let i = 0; i < wv.length; i++) wv[i] = wv[i]! - zw[Math.floor(i / per)]!;
  return [xv, wv];
}

export const convCoreKernels: KernelMap = {
  Conv: kernel(ops.Conv, (inputs, p) => {
    const b = inputs[2] as Tensor | undefined;
    const y = convForward(p, numericView(inputs[0] as Tensor), numericView(inputs[1] as Tensor), b ? toNumbers(b) : undefined);
    return [fromNumbers(p.outType, y, outDimsOf(p))];
  }),

  ConvInteger: kernel(ops.ConvInteger, (inputs, p) => {
    const [x, w] = shiftedOperands(p, inputs[0] as Tensor, inputs[2] as Tensor | undefined, inputs[1] as Tensor, inputs[3] as Tensor | undefined);
    return [fromNumbers('int32', convForward(p, x, w, undefined), outDimsOf(p))];
  }),

  QLinearConv: kernel(ops.QLinearConv, (inputs, p) => {
    const t = (i: number) => inputs[i] as Tensor;
    const [x, w] = shiftedOperands(p, t(0), t(2), t(3), t(5));
    const b = inputs[8] as Tensor | undefined;
    const acc = convForward(p, x, w, b ? toNumbers(b) : undefined);
    // Multiplier x_scale * w_scale[m] / y_scale in the scales' own precision, then round half to even.
    const st = t(1).type;
    const xs = toNumbers(t(1))[0]!;
    const ws = perChannel(t(4), p.outC, 'w_scale');
    const ys = toNumbers(t(6))[0]!;
    const yzp = toNumbers(t(7))[0]!;
    const P = prod(p.geo.outDims);
    const mult = Array.from(ws, (s) => roundTo(st, roundTo(st, xs * s) / ys));
    for (let i = 0; i < acc.length; i++) acc[i] = saturate(p.outType, rint(acc[i]! * mult[Math.floor(i / P) % p.outC]! + yzp));
    return [fromNumbers(p.outType, acc, outDimsOf(p))];
  }),

  ConvTranspose: kernel(ops.ConvTranspose, (inputs, p) => {
    // Geometry is the forward conv's: geo.inDims is Y's image, geo.outDims X's.
    const { batch, inC, outC, group, geo } = p;
    const x = numericView(inputs[0] as Tensor);
    const w = numericView(inputs[1] as Tensor);
    const bias = inputs[2] ? toNumbers(inputs[2] as Tensor) : undefined;
    const Cg = inC / group;
    const Mg = outC / group;
    const KK = prod(geo.kernel);
    const Pin = prod(geo.outDims);
    const Pout = prod(geo.inDims);
    const y = new Float64Array(batch * outC * Pout);
    const col = new Float64Array(Mg * KK * Pin);
    for (let n = 0; n < batch; n++) {
      for (let g = 0; g < group; g++) {
        // col[(m, tap), i] = Σ_c W[c, m, tap] X[c, i]: A = W_g transposed (Mg·KK x Cg), B = X_g (Cg x Pin).
        gemm(Mg * KK, Pin, Cg, w, g * Cg * Mg * KK, 1, Mg * KK, x, (n * inC + g * Cg) * Pin, Pin, 1, col, 0, Pin, false);
        const yOff = (n * outC + g * Mg) * Pout;
        if (bias) for (let m = 0; m < Mg; m++) y.fill(bias[g * Mg + m]!, yOff + m * Pout, yOff + (m + 1) * Pout);
        col2im(col, 0, Mg, geo, y, yOff);
      }
    }
    return [fromNumbers(p.outType, y, [batch, outC, ...geo.inDims])];
  }),

  Col2Im: kernel(ops.Col2Im, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const v = toNumbers(x);
    const { batch, channels, geo } = p;
    const img = prod(geo.inDims);
    const y = new Float64Array(batch * channels * img);
    const per = channels * prod(geo.kernel) * prod(geo.outDims);
    for (let n = 0; n < batch; n++) col2im(v, n * per, channels, geo, y, n * channels * img);
    return [fromNumbers(x.type, y, [batch, channels, ...geo.inDims])];
  }),

  CausalConvWithState: kernel(ops.CausalConvWithState, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const xv = toNumbers(x);
    const w = toNumbers(inputs[1] as Tensor);
    const b = inputs[2] ? toNumbers(inputs[2] as Tensor) : undefined;
    const past = inputs[3] ? toNumbers(inputs[3] as Tensor) : undefined;
    const { batch, channels, length: L, k } = p;
    const S = k - 1;
    const y = new Float64Array(batch * channels * L);
    const state = new Float64Array(batch * channels * S);
    const seq = new Float64Array(S + L);
    for (let bc = 0; bc < batch * channels; bc++) {
      const c = bc % channels;
      // seq = concat(past_state or zeros, input)
      if (past) seq.set(past.subarray(bc * S, (bc + 1) * S), 0);
      else seq.fill(0, 0, S);
      seq.set(xv.subarray(bc * L, (bc + 1) * L), S);
      for (let t = 0; t < L; t++) {
        let s = b ? b[c]! : 0;
        for (let q = 0; q < k; q++) s += w[c * k + q]! * seq[t + q]!;
        // SiLU is computed in float32 by the function body (Cast to float, Sigmoid, Mul).
        y[bc * L + t] = p.activation === 'silu' ? silu(roundTo(x.type, s)) : s;
      }
      state.set(seq.subarray(L, L + S), bc * S);
    }
    return [fromNumbers(x.type, y, x.dims), fromNumbers(x.type, state, [batch, channels, S])];
  }),
};

const silu = (v: number): number => v / (1 + Math.exp(-v));
