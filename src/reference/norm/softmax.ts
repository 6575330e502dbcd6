/** Reference kernels: Softmax, LogSoftmax, Hardmax, SoftmaxCrossEntropyLoss, NegativeLogLikelihoodLoss. */
import { kernel, type KernelMap, type RuntimeValue } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { normOps as ops, type LossParams, type SoftmaxParams } from '../../engine/ops/norm.js';
import type { Tensor } from '../../engine/tensor.js';

type Mode = 'soft' | 'log' | 'hard';

/** Softmax-like function of every [outer, ·, inner] line of `v` along its middle axis, in doubles. */
export function softmaxLines(v: Float64Array, p: SoftmaxParams, mode: Mode): Float64Array {
  const out = new Float64Array(v.length);
  const { outer, n, inner } = p;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let max = -Infinity;
      let at = -1;
      for (let j = 0; j < n; j++) {
        const e = v[base + j * inner]!;
        if (e > max || at < 0) { max = e; at = j; }
      }
      if (mode === 'hard') {
        // One-hot at the first maximum (output already zero elsewhere).
        if (at >= 0) out[base + at * inner] = 1;
        continue;
      }
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(v[base + j * inner]! - max);
      if (mode === 'soft') {
        for (let j = 0; j < n; j++) out[base + j * inner] = Math.exp(v[base + j * inner]! - max) / sum;
      } else {
        const lse = max + Math.log(sum);
        for (let j = 0; j < n; j++) out[base + j * inner] = v[base + j * inner]! - lse;
      }
    }
  }
  return out;
}

function softmaxKernel(mode: Mode) {
  return (inputs: readonly (RuntimeValue | undefined)[], p: SoftmaxParams): RuntimeValue[] => {
    const x = inputs[0] as Tensor;
    return [fromNumbers(x.type, softmaxLines(toNumbers(x), p, mode), x.dims)];
  };
}

/** -weight[label] * logProb[label] per sample, then the reduction; ignored samples weigh nothing. */
function lossKernel(fromScores: boolean) {
  return (inputs: readonly (RuntimeValue | undefined)[], p: LossParams): RuntimeValue[] => {
    const x = inputs[0] as Tensor;
    const labels = toNumbers(inputs[1] as Tensor);
    const w = inputs[2] ? toNumbers(inputs[2] as Tensor) : undefined;
    const { n, c, inner } = p;
    const lp = fromScores ? softmaxLines(toNumbers(x), { outer: n, n: c, inner }, 'log') : toNumbers(x);
    const loss = new Float64Array(n * inner);
    let weightSum = 0;
    for (let b = 0; b < n; b++) {
      for (let d = 0; d < inner; d++) {
        const label = labels[b * inner + d]!;
        if (label === p.ignoreIndex) continue;
        if (!(label >= 0 && label < c)) {
          throw new KilnError('E_INPUT_INVALID', `label ${label} is out of range for ${c} classes`);
        }
        const wt = w ? w[label]! : 1;
        loss[b * inner + d] = -lp[(b * c + label) * inner + d]! * wt;
        weightSum += wt;
      }
    }
    let out: Tensor;
    if (p.reduction === 'none') {
      out = fromNumbers(x.type, loss, [x.dims[0]!, ...x.dims.slice(2)]);
    } else {
      let sum = 0;
      for (const e of loss) sum += e;
      // mean: divided by the total weight of the samples not ignored (their count without weights).
      out = fromNumbers(x.type, [p.reduction === 'sum' ? sum : sum / weightSum], []);
    }
    return fromScores ? [out, fromNumbers(x.type, lp, x.dims)] : [out];
  };
}

export const softmaxKernels: KernelMap = {
  Softmax: kernel(ops.Softmax, softmaxKernel('soft')),
  LogSoftmax: kernel(ops.LogSoftmax, softmaxKernel('log')),
  Hardmax: kernel(ops.Hardmax, softmaxKernel('hard')),
  SoftmaxCrossEntropyLoss: kernel(ops.SoftmaxCrossEntropyLoss, lossKernel(true)),
  NegativeLogLikelihoodLoss: kernel(ops.NegativeLogLikelihoodLoss, lossKernel(false)),
};
