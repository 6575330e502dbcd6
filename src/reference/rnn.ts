/** Reference kernels: rnn ops (RNN, GRU, LSTM). Math in doubles, one rounding to the output type. */
import { kernel, type KernelMap, type RuntimeValue } from '../engine/backend.js';
import { fromNumbers, toNumbers } from '../engine/elements.js';
import { KilnError } from '../engine/errors.js';
import { rnnOps as ops, type RnnActivation, type RnnParams } from '../engine/ops/rnn.js';
import type { Tensor } from '../engine/tensor.js';

type Fn = (x: number) => number;

function activation(a: RnnActivation): Fn {
  const { alpha, beta } = a;
  switch (a.name) {
    case 'relu': return (x) => (x > 0 ? x : 0);
    case 'tanh': return Math.tanh;
    case 'sigmoid': return (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
    case 'affine': return (x) => alpha * x + beta;
    case 'leakyrelu': return (x) => (x >= 0 ? x : alpha * x);
    case 'thresholdedrelu': return (x) => (x > alpha ? x : 0);
    case 'scaledtanh': return (x) => alpha * Math.tanh(beta * x);
    case 'hardsigmoid': return (x) => Math.max(0, Math.min(1, alpha * x + beta));
    case 'elu': return (x) => (x >= 0 ? x : alpha * (Math.exp(x) - 1));
    case 'softsign': return (x) => x / (1 + Math.abs(x));
    case 'softplus': return (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
    default: throw new KilnError('E_OPSET_UNSUPPORTED', `unsupported activation '${a.name}'`);
  }
}

function runRnn(inputs: readonly (RuntimeValue | undefined)[], p: RnnParams): RuntimeValue[] {
  const { seqLength: S, batch: Bn, inputSize: I, hidden: H, layout, kind } = p;
  const D = p.reverse.length;
  const G = kind === 'RNN' ? 1 : kind === 'GRU' ? 3 : 4;
  const X = toNumbers(inputs[0] as Tensor);
  const W = toNumbers(inputs[1] as Tensor);
  const R = toNumbers(inputs[2] as Tensor);
  const B = inputs[3] ? toNumbers(inputs[3] as Tensor) : new Float64Array(D * 2 * G * H);
  const lens = inputs[4] ? toNumbers(inputs[4] as Tensor) : new Float64Array(Bn).fill(S);
  for (const l of lens) {
    if (!(l >= 0 && l <= S && Number.isInteger(l))) throw new KilnError('E_INPUT_INVALID', `sequence_lens value ${l} is outside [0, ${S}]`);
  }
  const h0 = inputs[5] ? toNumbers(inputs[5] as Tensor) : undefined;
  const c0 = kind === 'LSTM' && inputs[6] ? toNumbers(inputs[6] as Tensor) : undefined;
  const P = kind === 'LSTM' && inputs[7] ? toNumbers(inputs[7] as Tensor) : undefined;

  // Index helpers for the layout-dependent tensors.
  const xAt = (t: number, b: number) => (layout === 0 ? (t * Bn + b) * I : (b * S + t) * I);
  const stateAt = (d: number, b: number) => (layout === 0 ? (d * Bn + b) * H : (b * D + d) * H);
  const yAt = (t: number, d: number, b: number) => (layout === 0 ? ((t * D + d) * Bn + b) * H : ((b * S + t) * D + d) * H);

  const Y = new Float64Array(S * D * Bn * H);
  const Yh = new Float64Array(D * Bn * H);
  const Yc = new Float64Array(D * Bn * H);
  const clip: Fn = p.clip === undefined ? (x) => x : (x) => Math.max(-p.clip!, Math.min(p.clip!, x));
  const gates = new Float64Array(G * H);
  const hr = new Float64Array(H); // GRU: r (.) h, or R_h h + Rb_h with linear_before_reset

  for (let d = 0; d < D; d++) {
    const [f, g, hAct] = p.acts[d]!.map(activation) as [Fn, Fn?, Fn?];
    const w = d * G * H * I;
    const r = d * G * H * H;
    const wb = d * 2 * G * H;
    const rb = wb + G * H;
    for (let b = 0; b < Bn; b++) {
      const h = new Float64Array(H);
      const c = new Float64Array(H);
      if (h0) h.set(h0.subarray(stateAt(d, b), stateAt(d, b) + H));
      if (c0) c.set(c0.subarray(stateAt(d, b), stateAt(d, b) + H));
      const len = lens[b]!;
      for (let step = 0; step < len; step++) {
        const t = p.reverse[d] ? len - 1 - step : step;
        const xo = xAt(t, b);
        // gates[k] = W_k x + Wb_k (+ R_k h + Rb_k, except GRU's h gate which needs r first)
        for (let k = 0; k < G * H; k++) {
          let acc = B[wb + k]!;
          for (let i = 0; i < I; i++) acc += W[w + k * I + i]! * X[xo + i]!;
          if (!(kind === 'GRU' && k >= 2 * H)) {
            acc += B[rb + k]!;
            for (let j = 0; j < H; j++) acc += R[r + k * H + j]! * h[j]!;
          }
          gates[k] = acc;
        }
        if (kind === 'RNN') {
          for (let j = 0; j < H; j++) h[j] = f(clip(gates[j]!));
        } else if (kind === 'GRU') {
          // gate order z, r, h
          const z = new Float64Array(H);
          const rg = new Float64Array(H);
          for (let j = 0; j < H; j++) {
            z[j] = f(clip(gates[j]!));
            rg[j] = f(clip(gates[H + j]!));
          }
          for (let j = 0; j < H; j++) {
            const row = r + (2 * H + j) * H;
            let acc = 0;
            if (p.linearBeforeReset) {
              for (let k = 0; k < H; k++) acc += R[row + k]! * h[k]!;
              acc = rg[j]! * (acc + B[rb + 2 * H + j]!);
            } else {
              for (let k = 0; k < H; k++) acc += R[row + k]! * rg[k]! * h[k]!;
              acc += B[rb + 2 * H + j]!;
            }
            hr[j] = acc;
          }
          for (let j = 0; j < H; j++) {
            const ht = g!(clip(gates[2 * H + j]! + hr[j]!));
            h[j] = (1 - z[j]!) * ht + z[j]! * h[j]!;
          }
        } else {
          // gate order i, o, f, c; peepholes P = [Pi, Po, Pf]
          const po = d * 3 * H;
          for (let j = 0; j < H; j++) {
            const cPrev = c[j]!;
            const i = f(clip(gates[j]! + (P ? P[po + j]! * cPrev : 0)));
            const fg = p.inputForget ? 1 - i : f(clip(gates[2 * H + j]! + (P ? P[po + 2 * H + j]! * cPrev : 0)));
            const cc = g!(clip(gates[3 * H + j]!));
            const ct = fg * cPrev + i * cc;
            const o = f(clip(gates[H + j]! + (P ? P[po + H + j]! * ct : 0)));
            c[j] = ct;
            h[j] = o * hAct!(ct);
          }
        }
        Y.set(h, yAt(t, d, b));
      }
      Yh.set(h, stateAt(d, b));
      Yc.set(c, stateAt(d, b));
    }
  }
  const yDims = layout === 0 ? [S, D, Bn, H] : [Bn, S, D, H];
  const sDims = layout === 0 ? [D, Bn, H] : [Bn, D, H];
  const outs: RuntimeValue[] = [fromNumbers(p.dtype, Y, yDims), fromNumbers(p.dtype, Yh, sDims)];
  if (kind === 'LSTM') outs.push(fromNumbers(p.dtype, Yc, sDims));
  return outs.slice(0, Math.max(1, p.numOutputs));
}

export const rnnKernels: KernelMap = {
  RNN: kernel(ops.RNN, runRnn),
  GRU: kernel(ops.GRU, runRnn),
  LSTM: kernel(ops.LSTM, runRnn),
};
