/** Reference kernels: common TFLite custom ops (see engine/ops/tflite/custom.ts). */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { tfliteCustomOps as ops, type DetectionParams, type TransposeBiasParams, type UnpoolParams } from '../../engine/ops/tflite/custom.js';
import { Tensor } from '../../engine/tensor.js';

function unpool(x: Tensor, indices: Tensor, p: UnpoolParams): Tensor {
  const v = toNumbers(x), idx = toNumbers(indices);
  const out = new Float64Array(p.n * p.oh * p.ow * p.c);
  for (let b = 0; b < p.n; b++) for (let y = 0; y < p.ih; y++) for (let xx = 0; xx < p.iw; xx++) for (let c = 0; c < p.c; c++) {
    const i = ((b * p.ih + y) * p.iw + xx) * p.c + c;
    const k = Math.trunc(idx[i]!);
    const my = Math.floor(k / p.fw), mx = k % p.fw;
    const oy = y * p.sh - p.padT + my, ox = xx * p.sw - p.padL + mx;
    if (my < p.fh && oy >= 0 && oy < p.oh && ox >= 0 && ox < p.ow) out[((b * p.oh + oy) * p.ow + ox) * p.c + c] = v[i]!;
  }
  return fromNumbers(x.type, out, [p.n, p.oh, p.ow, p.c]);
}

function transposeBias(x: Tensor, w: Tensor, bias: Tensor, p: TransposeBiasParams): Tensor {
  const xs = toNumbers(x), ws = toNumbers(w), bs = toNumbers(bias);
  const out = new Float64Array(p.n * p.oh * p.ow * p.oc);
  for (let b = 0; b < p.n; b++) for (let y = 0; y < p.ih; y++) for (let xx = 0; xx < p.iw; xx++) {
    const xb = ((b * p.ih + y) * p.iw + xx) * p.ic;
    for (let ky = 0; ky < p.kh; ky++) {
      const oy = y * p.sh - p.padT + ky;
      if (oy < 0 || oy >= p.oh) continue;
      for (let kx = 0; kx < p.kw; kx++) {
        const ox = xx * p.sw - p.padL + kx;
        if (ox < 0 || ox >= p.ow) continue;
        for (let c = 0; c < p.oc; c++) {
          const wb = ((c * p.kh + ky) * p.kw + kx) * p.ic;
          let s = 0;
          for (let k = 0; k < p.ic; k++) s += xs[xb + k]! * ws[wb + k]!;
          const o = ((b * p.oh + oy) * p.ow + ox) * p.oc + c;
          out[o] = out[o]! + s;
        }
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + bs[i % p.oc]!;
  return new Tensor('float32', Float32Array.from(out), [p.n, p.oh, p.ow, p.oc]);
}

/** Boxes as [ymin, xmin, ymax, xmax] decoded from center-size encodings against the anchors. */
function decodeBoxes(enc: Float64Array, anchors: Float64Array, p: DetectionParams): Float64Array {
  const out = new Float64Array(p.boxes * 4);
  const [ys, xs, hs, ws] = p.scale;
  for (let i = 0; i < p.boxes; i++) {
    const e = i * p.codeSize, a = i * 4;
    const yc = (enc[e]! / ys) * anchors[a + 2]! + anchors[a]!;
    const xc = (enc[e + 1]! / xs) * anchors[a + 3]! + anchors[a + 1]!;
    const hh = 0.5 * Math.exp(enc[e + 2]! / hs) * anchors[a + 2]!;
    const hw = 0.5 * Math.exp(enc[e + 3]! / ws) * anchors[a + 3]!;
    out.set([yc - hh, xc - hw, yc + hh, xc + hw], i * 4);
  }
  return out;
}

function iou(b: Float64Array, i: number, j: number): number {
  const areaI = (b[4 * i + 2]! - b[4 * i]!) * (b[4 * i + 3]! - b[4 * i + 1]!);
  const areaJ = (b[4 * j + 2]! - b[4 * j]!) * (b[4 * j + 3]! - b[4 * j + 1]!);
  if (areaI <= 0 || areaJ <= 0) return 0;
  const h = Math.max(Math.min(b[4 * i + 2]!, b[4 * j + 2]!) - Math.max(b[4 * i]!, b[4 * j]!), 0);
  const w = Math.max(Math.min(b[4 * i + 3]!, b[4 * j + 3]!) - Math.max(b[4 * i + 1]!, b[4 * j + 1]!), 0);
  return (h * w) / (areaI + areaJ - h * w);
}

/** TFLite NonMaxSuppressionSingleClassHelper: indices kept, best score first. */
function nmsSingle(scores: ArrayLike<number>, boxes: Float64Array, max: number, p: DetectionParams): number[] {
  const keep: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= p.scoreThreshold) keep.push(i);
  keep.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const active = keep.map(() => true);
  const selected: number[] = [];
  for (let i = 0; i < keep.length && selected.length < Math.min(keep.length, max); i++) {
    if (!active[i]) continue;
    selected.push(keep[i]!);
    for (let j = i + 1; j < keep.length; j++) if (active[j] && iou(boxes, keep[i]!, keep[j]!) > p.iouThreshold) active[j] = false;
  }
  return selected;
}

function detect(inputs: readonly Tensor[], p: DetectionParams): Tensor[] {
  const read = (i: number) => {
    const v = toNumbers(inputs[i]!);
    const [s, z] = p.dq[i]!;
    return s ? v.map((q) => s * (q - z)) : v;
  };
  const boxes = decodeBoxes(read(0), read(2), p);
  const scores = read(1);
  const offset = p.classesWithBg - p.numClasses;
  const n = p.maxDetections * p.perAnchor;
  const outBoxes = new Float32Array(n * 4), outClasses = new Float32Array(n), outScores = new Float32Array(n);
  let count = 0;
  const emit = (box: number, cls: number, score: number) => {
    outBoxes.set(boxes.subarray(box * 4, box * 4 + 4), count * 4);
    outClasses[count] = cls;
    outScores[count] = score;
    count++;
  };
  const score = (box: number, cls: number) => scores[box * p.classesWithBg + offset + cls]!;
  if (!p.regular) {
    const order = Array.from({ length: p.boxes }, (_, b) => Array.from({ length: p.numClasses }, (_, c) => c).sort((x, y) => score(b, y) - score(b, x) || x - y));
    const best = order.map((o, b) => score(b, o[0]!));
    for (const b of nmsSingle(best, boxes, p.maxDetections, p)) for (let k = 0; k < p.perAnchor; k++) emit(b, order[b]![k]!, score(b, order[b]![k]!));
  } else {
    let top: { box: number; cls: number; score: number }[] = [];
    for (let c = 0; c < p.numClasses; c++) {
      const cs = Array.from({ length: p.boxes }, (_, b) => score(b, c));
      top = [...top, ...nmsSingle(cs, boxes, p.perClass, p).map((b) => ({ box: b, cls: c, score: cs[b]! }))]
        .sort((x, y) => y.score - x.score).slice(0, p.maxDetections);
    }
    for (const d of top) emit(d.box, d.cls, d.score);
  }
  return [new Tensor('float32', outBoxes, [1, n, 4]), new Tensor('float32', outClasses, [1, n]), new Tensor('float32', outScores, [1, n]), new Tensor('float32', Float32Array.of(count), [1])];
}

export const tfliteCustomKernels: KernelMap = {
  'tflite.custom.TFLite_Detection_PostProcess': kernel(ops['tflite.custom.TFLite_Detection_PostProcess'], (inputs, p) => detect(inputs as Tensor[], p)),
  'tflite.custom.MaxUnpooling2D': kernel(ops['tflite.custom.MaxUnpooling2D'], (inputs, p) => [unpool(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.custom.LiteRtMaxUnpooling2D': kernel(ops['tflite.custom.LiteRtMaxUnpooling2D'], (inputs, p) => [unpool(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.custom.Convolution2DTransposeBias': kernel(ops['tflite.custom.Convolution2DTransposeBias'], (inputs, p) => [transposeBias(inputs[0] as Tensor, inputs[1] as Tensor, inputs[2] as Tensor, p)]),
};
