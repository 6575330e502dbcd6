/** Reference kernels: TFLite recurrent ops (float math; integer weights dequantized). */
import { kernel, type KernelMap, type RuntimeValue } from '../../engine/backend.js';
import { toNumbers } from '../../engine/elements.js';
import { tfliteRnnOps as ops, type Dequant, type LstmParams, type OutQuant, type RnnParams, type SvdfParams } from '../../engine/ops/tflite/rnn.js';
import { Tensor } from '../../engine/tensor.js';
import { quantize } from './util.js';

/** The float result as the op's output type (requantized for integer models). */
const result = (p: OutQuant, v: Float64Array, dims: readonly number[]): Tensor =>
  p.outType === 'float32' ? new Tensor('float32', Float32Array.from(v), dims) : quantize(v, p.outType, p.outScale, p.outZp, dims);

/** Input i as floats (dequantized when it is an integer weight tensor), or undefined when omitted. */
function floats(inputs: readonly (RuntimeValue | undefined)[], i: number, dq: Dequant): Float64Array | undefined {
  const t = inputs[i];
  if (!(t instanceof Tensor) || t.size === 0) return undefined;
  const v = toNumbers(t);
  const q = dq[i];
  if (!q) return v;
  return v.map((x, k) => {
    const c = q.scale.length > 1 ? Math.floor(k / q.inner) % q.scale.length : 0;
    return q.scale[c]! * (x - q.zp[c]!);
  });
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
function activation(act: number): (x: number) => number {
  switch (act) {
    case 0: return (x) => x;
    case 1: return (x) => Math.max(0, x);
    case 2: return (x) => Math.min(1, Math.max(-1, x));
    case 3: return (x) => Math.min(6, Math.max(0, x));
    case 4: return Math.tanh;
    case 5: return (x) => (x < 0 ? 1 : 0);
    default: return sigmoid;
  }
}

/** out[u] += Σ_k w[u*cols + k] * v[k] */
function matvec(out: Float64Array, w: Float64Array | undefined, v: ArrayLike<number>, rows: number, cols: number): void {
  if (!w) return;
  for (let u = 0; u < rows; u++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += w[u * cols + k]! * v[k]!;
    out[u] = out[u]! + s;
  }
}

function layerNorm(x: Float64Array, coeff: Float64Array): void {
  const n = x.length;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  const inv = 1 / Math.sqrt(variance / n + 1e-8);
  for (let u = 0; u < n; u++) x[u] = (x[u]! - mean) * inv * coeff[u]!;
}

function lstm(inputs: readonly (RuntimeValue | undefined)[], p: LstmParams): Tensor[] {
  const W = (i: number) => floats(inputs, i, p.dequant);
  const x = W(0)!;
  const [wi, wf, wc, wo, ri, rf, rc, ro, pi, pf, po, bi, bf, bc, bo, pw, pb] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17].map(W);
  const [lni, lnf, lnc, lno] = [20, 21, 22, 23].map(W);
  const { batch, steps, inputSize: I, cells: C, outputSize: O } = p;
  const h = new Float64Array(batch * O);
  const c = new Float64Array(batch * C);
  const h0 = W(18), c0 = W(19);
  if (h0) h.set(h0.subarray(0, h.length));
  if (c0) c.set(c0.subarray(0, c.length));
  const act = activation(p.act);
  const out = new Float64Array(batch * steps * O);
  const gate = (wx: Float64Array | undefined, wr: Float64Array | undefined, peep: Float64Array | undefined, cell: Float64Array, ln: Float64Array | undefined, bias: Float64Array | undefined, xs: Float64Array, hs: Float64Array) => {
    const g = new Float64Array(C);
    matvec(g, wx, xs, C, I);
    matvec(g, wr, hs, C, O);
    if (peep) for (let u = 0; u < C; u++) g[u] = g[u]! + peep[u]! * cell[u]!;
    if (ln) layerNorm(g, ln);
    if (bias) for (let u = 0; u < C; u++) g[u] = g[u]! + bias[u]!;
    return g;
  };
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const xo = p.timeMajor || !p.sequence ? (t * batch + b) * I : (b * steps + t) * I;
      const xs = x.subarray(xo, xo + I);
      const hs = h.subarray(b * O, (b + 1) * O);
      const cs = c.subarray(b * C, (b + 1) * C);
      const fg = gate(wf, rf, pf, cs, lnf, bf, xs, hs).map(sigmoid);
      const ig = wi ? gate(wi, ri, pi, cs, lni, bi, xs, hs).map(sigmoid) : fg.map((f) => 1 - f);
      const cg = gate(wc, rc, undefined, cs, lnc, bc, xs, hs).map(act);
      for (let u = 0; u < C; u++) {
        let v = fg[u]! * cs[u]! + ig[u]! * cg[u]!;
        if (p.cellClip > 0) v = Math.min(p.cellClip, Math.max(-p.cellClip, v));
        cs[u] = v;
      }
      const og = gate(wo, ro, po, cs, lno, bo, xs, hs).map(sigmoid);
      const hr = og.map((o, u) => o * act(cs[u]!));
      if (pw) {
        const proj = new Float64Array(O);
        if (pb) proj.set(pb);
        matvec(proj, pw, hr, O, C);
        for (let u = 0; u < O; u++) hs[u] = p.projClip > 0 ? Math.min(p.projClip, Math.max(-p.projClip, proj[u]!)) : proj[u]!;
      } else {
        hs.set(hr);
      }
      const oo = p.timeMajor || !p.sequence ? (t * batch + b) * O : (b * steps + t) * O;
      out.set(hs, oo);
    }
  }
  const xDims = (inputs[0] as Tensor).dims;
  return [result(p, out, [...xDims.slice(0, -1), O])];
}

function svdf(inputs: readonly (RuntimeValue | undefined)[], p: SvdfParams): Tensor[] {
  const W = (i: number) => floats(inputs, i, p.dequant);
  const x = W(0)!, wf = W(1)!, wt = W(2)!, bias = W(3);
  const { batch, inputSize, filters, memory, rank, units } = p;
  const state = new Float64Array(batch * filters * memory);
  const s0 = W(4);
  if (s0) state.set(s0.subarray(0, state.length));
  // Shift every filter's memory left by one; the newest column gets the feature projection of the input.
  state.copyWithin(0, 1);
  for (let b = 0; b < batch; b++) {
    for (let f = 0; f < filters; f++) {
      let s = 0;
      for (let k = 0; k < inputSize; k++) s += wf[f * inputSize + k]! * x[b * inputSize + k]!;
      state[(b * filters + f) * memory + memory - 1] = s;
    }
  }
  const act = activation(p.act);
  const out = new Float64Array(batch * units);
  for (let b = 0; b < batch; b++) {
    for (let u = 0; u < units; u++) {
      let s = bias ? bias[u]! : 0;
      for (let r = 0; r < rank; r++) {
        const f = u * rank + r;
        for (let m = 0; m < memory; m++) s += state[(b * filters + f) * memory + m]! * wt[f * memory + m]!;
      }
      out[b * units + u] = act(s);
    }
  }
  return [result(p, out, [batch, units])];
}

function rnn(inputs: readonly (RuntimeValue | undefined)[], p: RnnParams): Tensor[] {
  const W = (i: number) => floats(inputs, i, p.dequant);
  const x = W(0)!, w = W(1)!, r = W(2)!, bias = W(3);
  const { batch, steps, inputSize: I, units: U } = p;
  const h = new Float64Array(batch * U);
  const h0 = W(4);
  if (h0) h.set(h0.subarray(0, h.length));
  const act = activation(p.act);
  const out = new Float64Array(batch * steps * U);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const xo = p.timeMajor || !p.sequence ? (t * batch + b) * I : (b * steps + t) * I;
      const g = new Float64Array(U);
      if (bias) g.set(bias);
      matvec(g, w, x.subarray(xo, xo + I), U, I);
      matvec(g, r, h.subarray(b * U, (b + 1) * U), U, U);
      const hs = g.map(act);
      h.set(hs, b * U);
      out.set(hs, p.timeMajor || !p.sequence ? (t * batch + b) * U : (b * steps + t) * U);
    }
  }
  return [result(p, out, [...(inputs[0] as Tensor).dims.slice(0, -1), U])];
}

export const tfliteRnnKernels: KernelMap = {
  'tflite.LSTM': kernel(ops['tflite.LSTM'], (inputs, p) => lstm(inputs, p)),
  'tflite.UNIDIRECTIONAL_SEQUENCE_LSTM': kernel(ops['tflite.UNIDIRECTIONAL_SEQUENCE_LSTM'], (inputs, p) => lstm(inputs, p)),
  'tflite.SVDF': kernel(ops['tflite.SVDF'], (inputs, p) => svdf(inputs, p)),
  'tflite.RNN': kernel(ops['tflite.RNN'], (inputs, p) => rnn(inputs, p)),
  'tflite.UNIDIRECTIONAL_SEQUENCE_RNN': kernel(ops['tflite.UNIDIRECTIONAL_SEQUENCE_RNN'], (inputs, p) => rnn(inputs, p)),
};
