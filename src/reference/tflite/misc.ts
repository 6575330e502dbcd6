/** Reference kernels: less common TFLite builtins (see the schemas in engine/ops/tflite/misc.ts). */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromNumbers, tensorFromElements, toIntList, toNumbers } from '../../engine/elements.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import { tfliteMiscOps as ops, type Conv3dParams, type DiagParams, type NmsParams, type PreluParams, type ReverseSeqParams } from '../../engine/ops/tflite/misc.js';
import { Tensor } from '../../engine/tensor.js';
import { broadcast2 } from './binary.js';
import { clamp, mbqm } from './fixedpoint.js';
import { roundHalfAway } from './util.js';

type Slots = unknown[];
const slots = (t: Tensor): Slots => elementsOf(t) as unknown as Slots;

function prelu(x: Tensor, alpha: Tensor, p: PreluParams): Tensor {
  const a = toNumbers(x), b = toNumbers(alpha);
  const out = new Float64Array(p.outDims.reduce((s, d) => s * d, 1));
  broadcast2(p.outDims, x.dims, alpha.dims, (o, ia, ib) => {
    if (!p.quantized) { out[o] = a[ia]! >= 0 ? a[ia]! : a[ia]! * b[ib]!; return; }
    const v = a[ia]! + p.inOff;
    const r = v >= 0 ? mbqm(v, p.m1, p.s1) : mbqm(v * (b[ib]! + p.alphaOff), p.m2, p.s2);
    out[o] = clamp(r + p.outOff, p.qmin, p.qmax);
  });
  return fromNumbers(x.type, out, p.outDims);
}

function addN(inputs: readonly Tensor[]): Tensor {
  const acc = new Float64Array(inputs[0]!.size);
  for (const t of inputs) toNumbers(t).forEach((v, i) => { acc[i] = acc[i]! + v; });
  return fromNumbers(inputs[0]!.type, acc, inputs[0]!.dims);
}

function diag(x: Tensor, d: Tensor | undefined, p: DiagParams): Tensor {
  const src = x ? slots(x) : [];
  const dv = d ? slots(d) : slots(x);
  const n = Math.min(p.rows, p.cols);
  const out = allocElements(x.type, p.batch * p.rows * p.cols);
  const o = out as unknown as Slots;
  const zero = (allocElements(x.type, 1) as unknown as Slots)[0];
  for (let b = 0; b < p.batch; b++) for (let r = 0; r < p.rows; r++) for (let c = 0; c < p.cols; c++) {
    const k = (b * p.rows + r) * p.cols + c;
    o[k] = r === c ? dv[b * n + r] : d ? src[k] : zero;
  }
  return tensorFromElements(x.type, out, p.outDims);
}

function reverseSequence(x: Tensor, lengths: Tensor, p: ReverseSeqParams): Tensor {
  const src = slots(x);
  const len = toIntList(lengths);
  const out = allocElements(x.type, x.size);
  const o = out as unknown as Slots;
  const strides = stridesOf(p.dims);
  const idx = new Array<number>(p.dims.length).fill(0);
  for (let k = 0; k < x.size; k++) {
    const l = len[idx[p.batchDim]!] ?? 0;
    const s = idx[p.seqDim]!;
    const from = k + (s < l ? (l - 1 - 2 * s) * strides[p.seqDim]! : 0);
    o[k] = src[from];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < p.dims[d]!) break;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.dims);
}

function unique(x: Tensor, idxType: 'int32' | 'int64'): Tensor[] {
  const src = slots(x);
  const seen = new Map<unknown, number>();
  const idx = src.map((v) => {
    if (!seen.has(v)) seen.set(v, seen.size);
    return seen.get(v)!;
  });
  const vals = allocElements(x.type, seen.size);
  const o = vals as unknown as Slots;
  for (const [v, i] of seen) o[i] = v;
  return [tensorFromElements(x.type, vals, [seen.size]), fromNumbers(idxType, idx, x.dims)];
}

function sparseToDense(indices: Tensor, values: Tensor, def: Tensor, dims: readonly number[]): Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const out = allocElements(values.type, n);
  const o = out as unknown as Slots;
  const d = slots(def)[0];
  for (let i = 0; i < n; i++) o[i] = d;
  const idx = toIntList(indices);
  const v = slots(values);
  const rank = indices.dims.length > 1 ? indices.dims[1]! : dims.length === 1 ? 1 : dims.length;
  const strides = stridesOf(dims);
  const count = rank ? idx.length / rank : 0;
  for (let k = 0; k < count; k++) {
    let at = 0;
    for (let j = 0; j < rank; j++) at += idx[k * rank + j]! * strides[j]!;
    if (at >= 0 && at < n) o[at] = v.length === 1 ? v[0] : v[k];
  }
  return tensorFromElements(values.type, out, dims);
}

/** Greedy NMS (TFLite NonMaxSuppression V4/V5, soft-NMS with a Gaussian when sigma > 0). Boxes are [y1, x1, y2, x2]. */
function nms(boxes: Tensor, scores: Tensor, p: NmsParams): Tensor[] {
  const b = toNumbers(boxes);
  let s = Array.from(toNumbers(scores));
  const iou = (i: number, j: number) => {
    const [ay1, ax1, ay2, ax2] = [Math.min(b[4 * i]!, b[4 * i + 2]!), Math.min(b[4 * i + 1]!, b[4 * i + 3]!), Math.max(b[4 * i]!, b[4 * i + 2]!), Math.max(b[4 * i + 1]!, b[4 * i + 3]!)];
    const [by1, bx1, by2, bx2] = [Math.min(b[4 * j]!, b[4 * j + 2]!), Math.min(b[4 * j + 1]!, b[4 * j + 3]!), Math.max(b[4 * j]!, b[4 * j + 2]!), Math.max(b[4 * j + 1]!, b[4 * j + 3]!)];
    const areaA = (ay2 - ay1) * (ax2 - ax1), areaB = (by2 - by1) * (bx2 - bx1);
    if (areaA <= 0 || areaB <= 0) return 0;
    const inter = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1)) * Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
    return inter / (areaA + areaB - inter);
  };
  const selected: number[] = [], selScores: number[] = [];
  const alive = new Set(Array.from({ length: p.boxes }, (_, i) => i).filter((i) => s[i]! > p.scoreThreshold));
  while (selected.length < p.maxOut && alive.size) {
    let best = -1;
    for (const i of alive) if (best < 0 || s[i]! > s[best]! || (s[i] === s[best] && i < best)) best = i;
    alive.delete(best);
    if (!(s[best]! > p.scoreThreshold)) continue;
    selected.push(best);
    selScores.push(s[best]!);
    s = s.slice();
    for (const j of [...alive]) {
      const o = iou(best, j);
      if (p.sigma > 0) s[j] = s[j]! * Math.exp((-0.5 * o * o) / p.sigma);
      else if (o > p.iou) alive.delete(j);
      if (!(s[j]! > p.scoreThreshold)) alive.delete(j);
    }
  }
  const idx = new Int32Array(p.maxOut);
  idx.set(selected);
  const out: Tensor[] = [new Tensor('int32', idx, [p.maxOut])];
  if (p.v5) {
    const sc = new Float32Array(p.maxOut);
    sc.set(selScores);
    out.push(new Tensor('float32', sc, [p.maxOut]));
  }
  out.push(new Tensor('int32', Int32Array.from([selected.length]), []));
  return out;
}

function conv3d(x: Tensor, w: Tensor, bias: Tensor | undefined, p: Conv3dParams): Tensor {
  const xs = toNumbers(x), ws = toNumbers(w), bs = bias ? toNumbers(bias) : undefined;
  const out = new Float64Array(p.n * p.od * p.oh * p.ow * p.oc);
  let o = 0;
  for (let b = 0; b < p.n; b++) for (let z = 0; z < p.od; z++) for (let y = 0; y < p.oh; y++) for (let xx = 0; xx < p.ow; xx++) {
    for (let c = 0; c < p.oc; c++) {
      let acc = bs ? bs[c]! : 0;
      for (let kz = 0; kz < p.kd; kz++) {
        const iz = z * p.sd - p.padD + kz * p.dd;
        if (iz < 0 || iz >= p.id) continue;
        for (let ky = 0; ky < p.kh; ky++) {
          const iy = y * p.sh - p.padT + ky * p.dh;
          if (iy < 0 || iy >= p.ih) continue;
          for (let kx = 0; kx < p.kw; kx++) {
            const ix = xx * p.sw - p.padL + kx * p.dw;
            if (ix < 0 || ix >= p.iw) continue;
            const xb = (((b * p.id + iz) * p.ih + iy) * p.iw + ix) * p.ic;
            const wb = ((kz * p.kh + ky) * p.kw + kx) * p.ic * p.oc + c;
            for (let k = 0; k < p.ic; k++) acc += xs[xb + k]! * ws[wb + k * p.oc]!;
          }
        }
      }
      out[o++] = clamp(acc, p.actMin, p.actMax);
    }
  }
  return new Tensor('float32', Float32Array.from(out), [p.n, p.od, p.oh, p.ow, p.oc]);
}

export const tfliteMiscKernels: KernelMap = {
  'tflite.PRELU': kernel(ops['tflite.PRELU'], (inputs, p) => [prelu(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.ADD_N': kernel(ops['tflite.ADD_N'], (inputs) => [addN(inputs as Tensor[])]),
  'tflite.FAKE_QUANT': kernel(ops['tflite.FAKE_QUANT'], (inputs, p) => {
    const x = inputs[0] as Tensor;
    const f = Math.fround;
    const inv = f(1 / p.scale);
    const v = toNumbers(x).map((a) => f(f(roundHalfAway(f(f(clamp(a, p.nudgedMin, p.nudgedMax) - p.nudgedMin) * inv)) * p.scale) + p.nudgedMin));
    return [new Tensor('float32', Float32Array.from(v), x.dims)];
  }),
  'tflite.DENSIFY': kernel(ops['tflite.DENSIFY'], (inputs) => [inputs[0] as Tensor]),
  'tflite.MATRIX_DIAG': kernel(ops['tflite.MATRIX_DIAG'], (inputs, p) => [diag(inputs[0] as Tensor, undefined, p)]),
  'tflite.MATRIX_SET_DIAG': kernel(ops['tflite.MATRIX_SET_DIAG'], (inputs, p) => [diag(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.REVERSE_SEQUENCE': kernel(ops['tflite.REVERSE_SEQUENCE'], (inputs, p) => [reverseSequence(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.UNIQUE': kernel(ops['tflite.UNIQUE'], (inputs, p) => unique(inputs[0] as Tensor, p.idxType as 'int32' | 'int64')),
  'tflite.SPARSE_TO_DENSE': kernel(ops['tflite.SPARSE_TO_DENSE'], (inputs, p) => [sparseToDense(inputs[0] as Tensor, inputs[2] as Tensor, inputs[3] as Tensor, p.outDims)]),
  'tflite.NON_MAX_SUPPRESSION_V4': kernel(ops['tflite.NON_MAX_SUPPRESSION_V4'], (inputs, p) => nms(inputs[0] as Tensor, inputs[1] as Tensor, p)),
  'tflite.NON_MAX_SUPPRESSION_V5': kernel(ops['tflite.NON_MAX_SUPPRESSION_V5'], (inputs, p) => nms(inputs[0] as Tensor, inputs[1] as Tensor, p)),
  'tflite.BUCKETIZE': kernel(ops['tflite.BUCKETIZE'], (inputs, p) => {
    const x = inputs[0] as Tensor;
    return [new Tensor('int32', Int32Array.from(toNumbers(x), (v) => p.boundaries.filter((b) => b <= v).length), x.dims)];
  }),
  'tflite.CONV_3D': kernel(ops['tflite.CONV_3D'], (inputs, p) => [conv3d(inputs[0] as Tensor, inputs[1] as Tensor, inputs[2] as Tensor | undefined, p)]),
};
