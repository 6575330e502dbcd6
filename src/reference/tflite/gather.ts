/** Reference kernels: TFLite indexing ops. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { KilnError } from '../../engine/errors.js';
import { allocElements, elementsOf, fromNumbers, tensorFromElements, toIntList, toNumbers } from '../../engine/elements.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import { tfliteGatherOps as ops, type EmbeddingParams, type GatherNdParams, type GatherParams, type OneHotParams, type ReverseParams, type SegmentParams, type UpdateSliceParams } from '../../engine/ops/tflite/gather.js';
import type { Tensor } from '../../engine/tensor.js';

type Slots = unknown[];
const slots = (t: Tensor): Slots => elementsOf(t) as unknown as Slots;
const badIndex = (i: number, size: number): never => {
  throw new KilnError('E_INPUT_INVALID', `index ${i} is out of range for a dimension of size ${size}`);
};

function gather(x: Tensor, indices: Tensor, p: GatherParams): Tensor {
  const src = slots(x);
  const idx = toIntList(indices);
  const out = allocElements(x.type, p.outDims.reduce((a, b) => a * b, 1));
  const o = out as unknown as Slots;
  let k = 0;
  for (let b = 0; b < p.batch; b++) {
    for (let outer = 0; outer < p.outer; outer++) {
      for (let j = 0; j < p.perBatch; j++) {
        const i = idx[b * p.perBatch + j]!;
        if (!(i >= 0 && i < p.axisSize)) badIndex(i, p.axisSize);
        const from = ((b * p.outer + outer) * p.axisSize + i) * p.inner;
        for (let e = 0; e < p.inner; e++) o[k++] = src[from + e];
      }
    }
  }
  return tensorFromElements(x.type, out, p.outDims);
}

function embedding(ids: Tensor, table: Tensor, p: EmbeddingParams): Tensor {
  const rows = gather(table, ids, p);
  if (p.outType === table.type) return rows;
  const v = toNumbers(rows);
  const idx = toIntList(ids);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const row = idx[Math.floor(i / p.inner)]!;
    const c = p.scale.length > 1 ? row : 0;
    out[i] = Math.fround((p.scale[c] ?? 1) * (v[i]! - (p.zp[c] ?? 0)));
  }
  return fromNumbers(p.outType, out, p.outDims);
}

/** Base offset of the n-th index tuple, checked against the indexed dims. */
function ndOffset(idx: number[], n: number, p: GatherNdParams): number {
  let off = 0;
  for (let j = 0; j < p.k; j++) {
    const i = idx[n * p.k + j]!;
    if (!(i >= 0 && i < p.dims[j]!)) badIndex(i, p.dims[j]!);
    off += i * p.strides[j]!;
  }
  return off;
}

function gatherNd(x: Tensor, indices: Tensor, p: GatherNdParams): Tensor {
  const src = slots(x);
  const idx = toIntList(indices);
  const out = allocElements(x.type, p.n * p.inner);
  const o = out as unknown as Slots;
  for (let n = 0; n < p.n; n++) {
    const from = ndOffset(idx, n, p);
    for (let e = 0; e < p.inner; e++) o[n * p.inner + e] = src[from + e];
  }
  return tensorFromElements(x.type, out, p.outDims);
}

function scatterNd(indices: Tensor, updates: Tensor, p: GatherNdParams): Tensor {
  const idx = toIntList(indices);
  const u = toNumbers(updates);
  const out = new Float64Array(p.outDims.reduce((a, b) => a * b, 1));
  for (let n = 0; n < p.n; n++) {
    const to = ndOffset(idx, n, p);
    for (let e = 0; e < p.inner; e++) out[to + e]! += u[n * p.inner + e]!;
  }
  return fromNumbers(updates.type, out, p.outDims);
}

function updateSlice(x: Tensor, upd: Tensor, start: Tensor, p: UpdateSliceParams): Tensor {
  const out = allocElements(x.type, x.size);
  const o = out as unknown as Slots;
  const src = slots(x);
  for (let i = 0; i < x.size; i++) o[i] = src[i];
  const s = toIntList(start).map((v, i) => Math.min(Math.max(0, v), p.dims[i]! - p.updDims[i]!));
  const strides = stridesOf(p.dims);
  const u = slots(upd);
  const idx = new Array<number>(p.updDims.length).fill(0);
  for (let k = 0; k < upd.size; k++) {
    let to = 0;
    for (let d = 0; d < idx.length; d++) to += (s[d]! + idx[d]!) * strides[d]!;
    o[to] = u[k];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < p.updDims[d]!) break;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.dims);
}

function segments(x: Tensor, ids: Tensor, p: SegmentParams): Tensor {
  const v = toNumbers(x);
  const seg = toIntList(ids);
  const init = p.op === 'UNSORTED_SEGMENT_PROD' ? 1 : p.op === 'UNSORTED_SEGMENT_MAX' ? -Infinity : p.op === 'UNSORTED_SEGMENT_MIN' ? Infinity : 0;
  const out = new Float64Array(p.segments * p.inner).fill(init);
  seg.forEach((s, r) => {
    if (s < 0) return;
    if (s >= p.segments) badIndex(s, p.segments);
    for (let e = 0; e < p.inner; e++) {
      const a = out[s * p.inner + e]!;
      const b = v[r * p.inner + e]!;
      out[s * p.inner + e] = p.op === 'UNSORTED_SEGMENT_PROD' ? a * b : p.op === 'UNSORTED_SEGMENT_MAX' ? Math.max(a, b) : p.op === 'UNSORTED_SEGMENT_MIN' ? Math.min(a, b) : a + b;
    }
  });
  // Empty segments of max/min hold the type's lowest/highest value in TFLite; clamp infinities to it.
  return fromNumbers(x.type, out.map((o) => (Number.isFinite(o) || x.type.startsWith('float') ? o : o < 0 ? -3.4028234663852886e38 : 3.4028234663852886e38)), p.outDims);
}

function oneHot(indices: Tensor, on: Tensor, off: Tensor, p: OneHotParams): Tensor {
  const idx = toIntList(indices);
  const onV = slots(on)[0];
  const offV = slots(off)[0];
  const out = allocElements(on.type, p.outer * p.depth * p.inner);
  const o = out as unknown as Slots;
  let k = 0;
  for (let a = 0; a < p.outer; a++) {
    for (let d = 0; d < p.depth; d++) {
      for (let b = 0; b < p.inner; b++) o[k++] = idx[a * p.inner + b] === d ? onV : offV;
    }
  }
  return tensorFromElements(on.type, out, p.outDims);
}

function reverse(x: Tensor, p: ReverseParams): Tensor {
  const src = slots(x);
  const out = allocElements(x.type, x.size);
  const o = out as unknown as Slots;
  const strides = stridesOf(p.dims);
  const idx = new Array<number>(p.dims.length).fill(0);
  for (let k = 0; k < x.size; k++) {
    let from = 0;
    for (let d = 0; d < idx.length; d++) from += (p.axes.includes(d) ? p.dims[d]! - 1 - idx[d]! : idx[d]!) * strides[d]!;
    o[k] = src[from];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < p.dims[d]!) break;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.dims);
}

const seg = (name: keyof typeof ops) => kernel(ops[name] as typeof ops['tflite.SEGMENT_SUM'], (inputs, p) => [segments(inputs[0] as Tensor, inputs[1] as Tensor, p)]);

export const tfliteGatherKernels: KernelMap = {
  'tflite.GATHER': kernel(ops['tflite.GATHER'], (inputs, p) => [gather(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.EMBEDDING_LOOKUP': kernel(ops['tflite.EMBEDDING_LOOKUP'], (inputs, p) => [embedding(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.GATHER_ND': kernel(ops['tflite.GATHER_ND'], (inputs, p) => [gatherNd(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.SCATTER_ND': kernel(ops['tflite.SCATTER_ND'], (inputs, p) => [scatterNd(inputs[0] as Tensor, inputs[1] as Tensor, p)]),
  'tflite.DYNAMIC_UPDATE_SLICE': kernel(ops['tflite.DYNAMIC_UPDATE_SLICE'], (inputs, p) => [updateSlice(inputs[0] as Tensor, inputs[1] as Tensor, inputs[2] as Tensor, p)]),
  'tflite.SEGMENT_SUM': seg('tflite.SEGMENT_SUM'),
  'tflite.UNSORTED_SEGMENT_SUM': seg('tflite.UNSORTED_SEGMENT_SUM'),
  'tflite.UNSORTED_SEGMENT_PROD': seg('tflite.UNSORTED_SEGMENT_PROD'),
  'tflite.UNSORTED_SEGMENT_MAX': seg('tflite.UNSORTED_SEGMENT_MAX'),
  'tflite.UNSORTED_SEGMENT_MIN': seg('tflite.UNSORTED_SEGMENT_MIN'),
  'tflite.ONE_HOT': kernel(ops['tflite.ONE_HOT'], (inputs, p) => [oneHot(inputs[0] as Tensor, inputs[2] as Tensor, inputs[3] as Tensor, p)]),
  'tflite.REVERSE_V2': kernel(ops['tflite.REVERSE_V2'], (inputs, p) => [reverse(inputs[0] as Tensor, p)]),
};
