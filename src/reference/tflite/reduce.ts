/** Reference kernels: TFLite reductions, softmax family and normalizations. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { REDUCE_OPS, ROWWISE_OPS, tfliteReduceOps as ops, type ReduceParams, type SoftmaxParams } from '../../engine/ops/tflite/reduce.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import type { Tensor } from '../../engine/tensor.js';
import { clamp } from './fixedpoint.js';
import { integerTensor, roundHalfAway } from './util.js';

function reduce(op: string, x: Tensor, p: ReduceParams): Tensor {
  let v = toNumbers(x);
  if (p.quantized && !p.raw) v = v.map((q) => p.inScale * (q - p.inZp));
  const strides = stridesOf(p.dims);
  const keptDims = p.dims.map((d, i) => (p.axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(keptDims);
  const n = keptDims.reduce((a, b) => a * b, 1);
  const init = op === 'REDUCE_PROD' || op === 'REDUCE_ALL' ? 1 : op === 'REDUCE_MAX' ? -Infinity : op === 'REDUCE_MIN' ? Infinity : 0;
  const acc = new Float64Array(n).fill(init);
  const count = p.axes.reduce((c, a) => c * p.dims[a]!, 1);
  for (let i = 0; i < v.length; i++) {
    let r = i, o = 0;
    for (let d = 0; d < p.dims.length; d++) {
      const idx = Math.floor(r / strides[d]!);
      r -= idx * strides[d]!;
      if (!p.axes.includes(d)) o += idx * keptStrides[d]!;
    }
    const a = acc[o]!, b = v[i]!;
    acc[o] = op === 'REDUCE_PROD' ? a * b : op === 'REDUCE_MAX' ? Math.max(a, b) : op === 'REDUCE_MIN' ? Math.min(a, b)
      : op === 'REDUCE_ANY' ? Number(a !== 0 || b !== 0) : op === 'REDUCE_ALL' ? Number(a !== 0 && b !== 0) : a + b;
  }
  if (op === 'MEAN') for (let i = 0; i < n; i++) acc[i] = acc[i]! / count;
  if (p.quantized && !p.raw) {
    return integerTensor(p.outType, acc.map((r) => clamp(roundHalfAway(r / p.outScale) + p.outZp, p.qmin, p.qmax)), p.outDims);
  }
  if (p.outType === 'float32' || p.outType === 'bool') return fromNumbers(p.outType, acc, p.outDims);
  return fromNumbers(p.outType, op === 'MEAN' ? acc.map(Math.trunc) : acc, p.outDims);
}

function rowwise(op: string, x: Tensor, p: SoftmaxParams): Tensor {
  const raw = toNumbers(x);
  const f = Math.fround;
  const out = new Float64Array(raw.length);
  if (op === 'SOFTMAX' && p.quantized) {
    // TFLite's 8-bit softmax: exp table over max-relative differences, normalised in float32.
    const scale = f(f(-p.inScale) * p.beta);
    for (let r = 0; r < p.rows; r++) {
      const row = raw.subarray(r * p.depth, (r + 1) * p.depth);
      const max = row.reduce((a, b) => (b > a ? b : a), -Infinity);
      const e = Array.from(row, (q) => f(Math.exp(f(scale * (max - q)))));
      let sum = 0;
      for (const v of e) sum = f(sum + v);
      const inv = f(1 / f(sum * p.outScale));
      e.forEach((v, j) => { out[r * p.depth + j] = clamp(roundHalfAway(f(v * inv)) + p.outZp, ...range(p.outType)); });
    }
    return integerTensor(p.outType, out, x.dims);
  }
  const v = p.quantized ? raw.map((q) => f(p.inScale * (q - p.inZp))) : raw;
  for (let r = 0; r < p.rows; r++) {
    const o = r * p.depth;
    const row = v.subarray(o, o + p.depth);
    if (op === 'SOFTMAX' || op === 'LOG_SOFTMAX') {
      const max = row.reduce((a, b) => (b > a ? b : a), -Infinity);
      let sum = 0;
      for (let j = 0; j < p.depth; j++) sum += Math.exp((row[j]! - max) * p.beta);
      for (let j = 0; j < p.depth; j++) {
        out[o + j] = op === 'SOFTMAX' ? Math.exp((row[j]! - max) * p.beta) / sum : (row[j]! - max) * p.beta - Math.log(sum);
      }
    } else if (op === 'L2_NORMALIZATION') {
      let ss = 0;
      for (let j = 0; j < p.depth; j++) ss += row[j]! * row[j]!;
      const inv = 1 / Math.sqrt(Math.max(ss, 1e-6));
      for (let j = 0; j < p.depth; j++) out[o + j] = row[j]! * inv;
    } else {
      for (let j = 0; j < p.depth; j++) {
        let ss = 0;
        for (let k = Math.max(0, j - p.radius); k <= Math.min(p.depth - 1, j + p.radius); k++) ss += row[k]! * row[k]!;
        out[o + j] = row[j]! / (p.bias + p.alpha * ss) ** p.lrnBeta;
      }
    }
  }
  if (p.quantized) return integerTensor(p.outType, out.map((r) => clamp(roundHalfAway(f(r / p.outScale)) + p.outZp, ...range(p.outType))), x.dims);
  return fromNumbers(p.outType, out, x.dims);
}

const range = (t: string): [number, number] => (t === 'int8' ? [-128, 127] : t === 'uint8' ? [0, 255] : t === 'int16' ? [-32768, 32767] : [-Infinity, Infinity]);

export const tfliteReduceKernels: KernelMap = {
  ...Object.fromEntries(REDUCE_OPS.map((op) => [`tflite.${op}`, kernel(ops[`tflite.${op}`], (inputs, p) => [reduce(op, inputs[0] as Tensor, p)])])),
  ...Object.fromEntries(ROWWISE_OPS.map((op) => [`tflite.${op}`, kernel(ops[`tflite.${op}`], (inputs, p) => [rowwise(op, inputs[0] as Tensor, p)])])),
};
