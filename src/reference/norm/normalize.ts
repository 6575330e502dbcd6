/**
 * Reference kernels: BatchNormalization, InstanceNormalization, GroupNormalization, LayerNormalization,
 * RMSNormalization, LpNormalization, MeanVarianceNormalization, LRN. Statistics in doubles, one rounding.
 */
import { kernel, type KernelMap, type RuntimeValue } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import {
  normOps as ops, type BatchNormParams, type GroupNormParams, type LayerNormParams, type LpNormParams, type LrnParams, type MvnParams,
} from '../../engine/ops/norm.js';
import type { Tensor } from '../../engine/tensor.js';
import { broadcastIndex } from '../broadcast.js';
import { groupIndex } from '../reduce.js';

type Inputs = readonly (RuntimeValue | undefined)[];

// ---------------------------------------------------------------- BatchNormalization

function batchNorm(inputs: Inputs, p: BatchNormParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const [v, scale, bias, mean, variance] = inputs.slice(0, 5).map((t) => toNumbers(t as Tensor)) as Float64Array[];
  const { n, c, spatial } = p;
  const params = scale!.length; // c, or c * spatial per activation
  const paramOf = (ch: number, s: number) => (p.perActivation ? ch * spatial + s : ch);
  let m = mean!;
  let vr = variance!;
  if (p.training) {
    // This batch's mean and (population) variance per channel or activation.
    const count = p.perActivation ? n : n * spatial;
    const bm = new Float64Array(params);
    const bv = new Float64Array(params);
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        for (let s = 0; s < spatial; s++) bm[paramOf(ch, s)] = bm[paramOf(ch, s)]! + v![(b * c + ch) * spatial + s]!;
      }
    }
    for (let k = 0; k < params; k++) bm[k] = bm[k]! / count;
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        for (let s = 0; s < spatial; s++) {
          const d = v![(b * c + ch) * spatial + s]! - bm[paramOf(ch, s)]!;
          bv[paramOf(ch, s)] = bv[paramOf(ch, s)]! + d * d;
        }
      }
    }
    for (let k = 0; k < params; k++) bv[k] = bv[k]! / count;
    m = bm;
    vr = bv;
  }
  // y = (x - mean) / sqrt(var + eps) * scale + bias = x * a + b
  const a = new Float64Array(params);
  const b0 = new Float64Array(params);
  for (let k = 0; k < params; k++) {
    a[k] = scale![k]! / Math.sqrt(vr[k]! + p.epsilon);
    b0[k] = bias![k]! - m[k]! * a[k]!;
  }
  const y = new Float64Array(v!.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const at = (b * c + ch) * spatial;
      for (let s = 0; s < spatial; s++) {
        const k = paramOf(ch, s);
        y[at + s] = v![at + s]! * a[k]! + b0[k]!;
      }
    }
  }
  const out: RuntimeValue[] = [fromNumbers(x.type, y, x.dims)];
  if (p.training) {
    const mt = inputs[3] as Tensor;
    const vt = inputs[4] as Tensor;
    const runMean = mean!.map((e, k) => e * p.momentum + m[k]! * (1 - p.momentum));
    const runVar = variance!.map((e, k) => e * p.momentum + vr[k]! * (1 - p.momentum));
    out.push(fromNumbers(mt.type, runMean, mt.dims), fromNumbers(vt.type, runVar, vt.dims));
    if (p.savedStats) out.push(fromNumbers(mt.type, m, mt.dims), fromNumbers(vt.type, vr, vt.dims));
  }
  return out;
}

// ---------------------------------------------------------------- InstanceNormalization / GroupNormalization

function groupNorm(inputs: Inputs, p: GroupNormParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const v = toNumbers(x);
  const scale = toNumbers(inputs[1] as Tensor);
  const bias = toNumbers(inputs[2] as Tensor);
  const per = p.c / p.groups;
  const len = per * p.spatial;
  const y = new Float64Array(v.length);
  for (let b = 0; b < p.n; b++) {
    for (let g = 0; g < p.groups; g++) {
      const start = (b * p.c + g * per) * p.spatial;
      let mean = 0;
      for (let i = 0; i < len; i++) mean += v[start + i]!;
      mean /= len;
      let variance = 0;
      for (let i = 0; i < len; i++) variance += (v[start + i]! - mean) ** 2;
      variance /= len;
      const inv = 1 / Math.sqrt(variance + p.epsilon);
      for (let i = 0; i < len; i++) {
        const k = p.perChannel ? g * per + Math.floor(i / p.spatial) : g;
        y[start + i] = (v[start + i]! - mean) * inv * scale[k]! + bias[k]!;
      }
    }
  }
  return [fromNumbers(x.type, y, x.dims)];
}

// ---------------------------------------------------------------- LayerNormalization / RMSNormalization

/** Element e of X → index into a parameter tensor broadcast to X's dims. */
function paramIndex(t: Tensor, xDims: readonly number[]): (e: number) => number {
  let dims = t.dims.slice();
  while (dims.length && dims[0] === 1) dims = dims.slice(1);
  const suffix = xDims.slice(xDims.length - dims.length);
  if (dims.length <= xDims.length && dims.every((d, i) => d === suffix[i])) {
    const size = t.size;
    return (e) => e % size;
  }
  const idx = broadcastIndex(t.dims, xDims);
  return (e) => idx[e]!;
}

function rowNorm(layer: boolean) {
  return (inputs: Inputs, p: LayerNormParams): RuntimeValue[] => {
    const x = inputs[0] as Tensor;
    const v = toNumbers(x);
    const scaleT = inputs[1] as Tensor;
    const scale = toNumbers(scaleT);
    const si = paramIndex(scaleT, p.xDims);
    const biasT = inputs[2] as Tensor | undefined;
    const bias = biasT ? toNumbers(biasT) : undefined;
    const bi = biasT ? paramIndex(biasT, p.xDims) : undefined;
    const y = new Float64Array(v.length);
    const means = new Float64Array(p.outer);
    const invs = new Float64Array(p.outer);
    for (let r = 0; r < p.outer; r++) {
      const start = r * p.inner;
      let mean = 0;
      if (layer) {
        for (let i = 0; i < p.inner; i++) mean += v[start + i]!;
        mean /= p.inner;
      }
      // LayerNormalization: variance around the mean; RMSNormalization: mean square (around 0).
      let sq = 0;
      for (let i = 0; i < p.inner; i++) sq += (v[start + i]! - mean) ** 2;
      const inv = 1 / Math.sqrt(sq / p.inner + p.epsilon);
      means[r] = mean;
      invs[r] = inv;
      for (let i = 0; i < p.inner; i++) {
        const e = start + i;
        y[e] = (v[e]! - mean) * inv * scale[si(e)]! + (bias ? bias[bi!(e)]! : 0);
      }
    }
    const out: RuntimeValue[] = [fromNumbers(x.type, y, x.dims)];
    if (layer) out.push(fromNumbers(p.statsType, means, p.statsDims), fromNumbers(p.statsType, invs, p.statsDims));
    return out;
  };
}

// ---------------------------------------------------------------- LpNormalization / MeanVarianceNormalization / LRN

function lpNorm(inputs: Inputs, p: LpNormParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const v = toNumbers(x);
  const y = new Float64Array(v.length);
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const base = o * p.n * p.inner + i;
      let norm = 0;
      for (let j = 0; j < p.n; j++) {
        const e = v[base + j * p.inner]!;
        norm += p.p === 1 ? Math.abs(e) : e * e;
      }
      if (p.p === 2) norm = Math.sqrt(norm);
      // A zero vector stays zero (rather than 0/0).
      for (let j = 0; j < p.n; j++) y[base + j * p.inner] = norm === 0 ? 0 : v[base + j * p.inner]! / norm;
    }
  }
  return [fromNumbers(x.type, y, x.dims)];
}

function mvn(inputs: Inputs, p: MvnParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const v = toNumbers(x);
  const { map, groups, count } = groupIndex(p.inDims, p.axes, false);
  const mean = new Float64Array(groups);
  const variance = new Float64Array(groups);
  for (let i = 0; i < v.length; i++) mean[map[i]!] = mean[map[i]!]! + v[i]!;
  for (let g = 0; g < groups; g++) mean[g] = mean[g]! / count;
  for (let i = 0; i < v.length; i++) variance[map[i]!] = variance[map[i]!]! + (v[i]! - mean[map[i]!]!) ** 2;
  // (x - mean) / (sqrt(variance) + 1e-9), as the op's function body.
  const y = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) y[i] = (v[i]! - mean[map[i]!]!) / (Math.sqrt(variance[map[i]!]! / count) + 1e-9);
  return [fromNumbers(x.type, y, x.dims)];
}

function lrn(inputs: Inputs, p: LrnParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const v = toNumbers(x);
  const { n, c, spatial, size } = p;
  const sq = v.map((e) => e * e);
  const lo = Math.floor((size - 1) / 2);
  const hi = Math.ceil((size - 1) / 2);
  const y = new Float64Array(v.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const from = Math.max(0, ch - lo);
      const to = Math.min(c - 1, ch + hi);
      for (let s = 0; s < spatial; s++) {
        let sum = 0;
        for (let k = from; k <= to; k++) sum += sq[(b * c + k) * spatial + s]!;
        const at = (b * c + ch) * spatial + s;
        y[at] = v[at]! / (p.bias + (p.alpha / size) * sum) ** p.beta;
      }
    }
  }
  return [fromNumbers(x.type, y, x.dims)];
}

export const normalizeKernels: KernelMap = {
  BatchNormalization: kernel(ops.BatchNormalization, batchNorm),
  InstanceNormalization: kernel(ops.InstanceNormalization, groupNorm),
  GroupNormalization: kernel(ops.GroupNormalization, groupNorm),
  LayerNormalization: kernel(ops.LayerNormalization, rowNorm(true)),
  RMSNormalization: kernel(ops.RMSNormalization, rowNorm(false)),
  LpNormalization: kernel(ops.LpNormalization, lpNorm),
  MeanVarianceNormalization: kernel(ops.MeanVarianceNormalization, mvn),
  LRN: kernel(ops.LRN, lrn),
};
