/** Reference kernels: ai.onnx.preview.training optimizers (Adagrad, Momentum, Adam). */
import { kernel, type KernelMap, type RuntimeValue } from '../../engine/backend.js';
import { fromNumbers, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { trainingOps as ops } from '../../engine/ops/misc/training.js';
import type { Tensor } from '../../engine/tensor.js';
import { asTensor } from '../sequence/tensors.js';

/** R, T, and the groups of n tensors (X, G, state…) as numbers. */
function read(inputs: readonly (RuntimeValue | undefined)[], n: number, groups: number) {
  const r = asTensor(inputs[0], 'R');
  const t = asTensor(inputs[1], 'T');
  if (r.size !== 1 || t.size !== 1) throw new KilnError('E_INPUT_INVALID', 'R and T must be scalars');
  const tensors: Tensor[][] = Array.from({ length: groups }, (_, g) =>
    Array.from({ length: n }, (_, i) => asTensor(inputs[2 + g * n + i], `input ${2 + g * n + i}`)));
  for (let g = 1; g < groups; g++) {
    tensors[g]!.forEach((y, i) => {
      const x = tensors[0]![i]!;
      if (y.dims.join(',') !== x.dims.join(',')) throw new KilnError('E_SHAPE_MISMATCH', `input ${2 + g * n + i} is [${y.dims.join(',')}], input ${2 + i} is [${x.dims.join(',')}]`);
    });
  }
  return { rate: toNumbers(r)[0]!, step: Number(toBigInts(t)[0]!), xs: tensors[0]!, groups: tensors.map((l) => l.map(toNumbers)) };
}

export const trainingKernels: KernelMap = {
  'ai.onnx.preview.training.Adagrad': kernel(ops['ai.onnx.preview.training.Adagrad'], (inputs, p) => {
    const { rate, step, xs, groups: [X, G, H] } = read(inputs, p.n, 3);
    const r = rate / (1 + step * p.decay);
    const outX: Tensor[] = [];
    const outH: Tensor[] = [];
    xs.forEach((x, i) => {
      const [xv, gv, hv] = [X![i]!, G![i]!, H![i]!];
      const nx = new Float64Array(xv.length);
      const nh = new Float64Array(xv.length);
      for (let k = 0; k < xv.length; k++) {
        const g = p.norm * xv[k]! + gv[k]!;
        nh[k] = hv[k]! + g * g;
        nx[k] = xv[k]! - (r * g) / (Math.sqrt(nh[k]!) + p.epsilon);
      }
      outX.push(fromNumbers(x.type, nx, x.dims));
      outH.push(fromNumbers(x.type, nh, x.dims));
    });
    return [...outX, ...outH];
  }),

  'ai.onnx.preview.training.Momentum': kernel(ops['ai.onnx.preview.training.Momentum'], (inputs, p) => {
    const { rate, step, xs, groups: [X, G, V] } = read(inputs, p.n, 3);
    const beta = step > 0 ? p.beta : 1;
    const outX: Tensor[] = [];
    const outV: Tensor[] = [];
    xs.forEach((x, i) => {
      const [xv, gv, vv] = [X![i]!, G![i]!, V![i]!];
      const nx = new Float64Array(xv.length);
      const nv = new Float64Array(xv.length);
      for (let k = 0; k < xv.length; k++) {
        const g = p.norm * xv[k]! + gv[k]!;
        nv[k] = p.alpha * vv[k]! + beta * g;
        nx[k] = xv[k]! - rate * (p.nesterov ? g + p.alpha * nv[k]! : nv[k]!);
      }
      outX.push(fromNumbers(x.type, nx, x.dims));
      outV.push(fromNumbers(x.type, nv, x.dims));
    });
    return [...outX, ...outV];
  }),

  'ai.onnx.preview.training.Adam': kernel(ops['ai.onnx.preview.training.Adam'], (inputs, p) => {
    const { rate, step, xs, groups: [X, G, V, H] } = read(inputs, p.n, 4);
    const r = step > 0 ? (rate * Math.sqrt(1 - p.beta ** step)) / (1 - p.alpha ** step) : rate;
    const outX: Tensor[] = [];
    const outV: Tensor[] = [];
    const outH: Tensor[] = [];
    xs.forEach((x, i) => {
      const [xv, gv, vv, hv] = [X![i]!, G![i]!, V![i]!, H![i]!];
      const nx = new Float64Array(xv.length);
      const nv = new Float64Array(xv.length);
      const nh = new Float64Array(xv.length);
      for (let k = 0; k < xv.length; k++) {
        const g = p.norm * xv[k]! + gv[k]!;
        nv[k] = p.alpha * vv[k]! + (1 - p.alpha) * g;
        nh[k] = p.beta * hv[k]! + (1 - p.beta) * g * g;
        nx[k] = (1 - p.normPost) * (xv[k]! - (r * nv[k]!) / (Math.sqrt(nh[k]!) + p.epsilon));
      }
      outX.push(fromNumbers(x.type, nx, x.dims));
      outV.push(fromNumbers(x.type, nv, x.dims));
      outH.push(fromNumbers(x.type, nh, x.dims));
    });
    return [...outX, ...outV, ...outH];
  }),
};
