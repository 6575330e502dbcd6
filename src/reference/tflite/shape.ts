/** Reference kernels: TFLite shape ops (element moves for any dtype). */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromNumbers, tensorFromElements } from '../../engine/elements.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import { tfliteShapeOps as ops, type ConcatParams, type SplitParams, type TileParams, type TransposeParams } from '../../engine/ops/tflite/shape.js';
import { Tensor } from '../../engine/tensor.js';
import { clamp } from './fixedpoint.js';
import { roundHalfAway } from './util.js';

type Slots = unknown[];
const slots = (t: Tensor): Slots => elementsOf(t) as unknown as Slots;

const reshape = (x: Tensor, dims: readonly number[]): Tensor => tensorFromElements(x.type, elementsOf(x), dims);

function transpose(x: Tensor, p: TransposeParams): Tensor {
  const src = slots(x);
  const out = allocElements(x.type, x.size);
  const o = out as unknown as Slots;
  const inStrides = stridesOf(p.inDims);
  const rank = p.perm.length;
  const step = p.perm.map((a) => inStrides[a]!);
  const idx = new Array<number>(rank).fill(0);
  let from = 0;
  for (let k = 0; k < x.size; k++) {
    o[k] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      from += step[d]!;
      if (idx[d]! < p.outDims[d]!) break;
      from -= step[d]! * p.outDims[d]!;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.outDims);
}

function concat(inputs: readonly Tensor[], p: ConcatParams): Tensor {
  const type = inputs[0]!.type;
  const total = p.outDims.reduce((a, b) => a * b, 1);
  const out = allocElements(type, total);
  const o = out as unknown as Slots;
  const srcs = inputs.map((t, i): Slots => {
    const r = p.rescale[i];
    if (!r) return slots(t);
    // TFLite ConcatenationWithScaling (uint8), in float32: round(q * scale + bias) + zp_out.
    const scale = Math.fround(r.scale * Math.fround(1 / p.outScale));
    const bias = Math.fround(-r.zp * scale);
    return Array.from(slots(t) as unknown as number[], (q) => clamp(roundHalfAway(Math.fround(Math.fround(q * scale) + bias)) + p.outZp, 0, 255));
  });
  let k = 0;
  for (let outer = 0; outer < p.outer; outer++) {
    for (let i = 0; i < inputs.length; i++) {
      const n = p.sizes[i]! * p.inner;
      const src = srcs[i]!;
      for (let j = 0; j < n; j++) o[k++] = src[outer * n + j];
    }
  }
  if (type === 'float32' && (p.actMin > -Infinity || p.actMax < Infinity)) {
    const f = out as Float32Array;
    for (let i = 0; i < f.length; i++) f[i] = clamp(f[i]!, p.actMin, p.actMax);
  }
  return tensorFromElements(type, out, p.outDims);
}

function split(x: Tensor, p: SplitParams): Tensor[] {
  const src = slots(x);
  const total = p.sizes.reduce((a, b) => a + b, 0) * p.inner;
  let offset = 0;
  return p.sizes.map((s, k) => {
    const n = s * p.inner;
    const out = allocElements(x.type, n * p.outer);
    const o = out as unknown as Slots;
    for (let outer = 0; outer < p.outer; outer++) {
      for (let j = 0; j < n; j++) o[outer * n + j] = src[outer * total + offset + j];
    }
    offset += n;
    return tensorFromElements(x.type, out, p.outDims[k]!);
  });
}

/** TILE and BROADCAST_TO: output index → input index by wrapping (tile) or clamping to size-1 dims (broadcast). */
function expand(x: Tensor, p: TileParams): Tensor {
  const src = slots(x);
  const rank = p.outDims.length;
  const inDims = [...new Array<number>(rank - p.inDims.length).fill(1), ...p.inDims];
  const inStrides = stridesOf(inDims);
  const total = p.outDims.reduce((a, b) => a * b, 1);
  const out = allocElements(x.type, total);
  const o = out as unknown as Slots;
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < total; k++) {
    let from = 0;
    for (let d = 0; d < rank; d++) from += (idx[d]! % inDims[d]!) * inStrides[d]!;
    o[k] = src[from];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < p.outDims[d]!) break;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.outDims);
}

function fill(value: Tensor, dims: readonly number[]): Tensor {
  const v = slots(value)[0];
  const n = dims.reduce((a, b) => a * b, 1);
  const out = allocElements(value.type, n);
  const o = out as unknown as Slots;
  for (let i = 0; i < n; i++) o[i] = v;
  return tensorFromElements(value.type, out, dims);
}


export const tfliteShapeKernels: KernelMap = {
  'tflite.RESHAPE': kernel(ops['tflite.RESHAPE'], (inputs, p) => [reshape(inputs[0] as Tensor, p.outDims)]),
  'tflite.SQUEEZE': kernel(ops['tflite.SQUEEZE'], (inputs, p) => [reshape(inputs[0] as Tensor, p.outDims)]),
  'tflite.EXPAND_DIMS': kernel(ops['tflite.EXPAND_DIMS'], (inputs, p) => [reshape(inputs[0] as Tensor, p.outDims)]),
  'tflite.TRANSPOSE': kernel(ops['tflite.TRANSPOSE'], (inputs, p) => [transpose(inputs[0] as Tensor, p)]),
  'tflite.CONCATENATION': kernel(ops['tflite.CONCATENATION'], (inputs, p) => [concat(inputs as Tensor[], p)]),
  'tflite.PACK': kernel(ops['tflite.PACK'], (inputs, p) => [concat(inputs as Tensor[], p)]),
  'tflite.SPLIT': kernel(ops['tflite.SPLIT'], (inputs, p) => split(inputs[1] as Tensor, p)),
  'tflite.SPLIT_V': kernel(ops['tflite.SPLIT_V'], (inputs, p) => split(inputs[0] as Tensor, p)),
  'tflite.UNPACK': kernel(ops['tflite.UNPACK'], (inputs, p) => split(inputs[0] as Tensor, p)),
  'tflite.TILE': kernel(ops['tflite.TILE'], (inputs, p) => [expand(inputs[0] as Tensor, p)]),
  'tflite.BROADCAST_TO': kernel(ops['tflite.BROADCAST_TO'], (inputs, p) => [expand(inputs[0] as Tensor, p)]),
  'tflite.FILL': kernel(ops['tflite.FILL'], (inputs, p) => [fill(inputs[1] as Tensor, p.outDims)]),
  'tflite.SHAPE': kernel(ops['tflite.SHAPE'], (_inputs, p) => [fromNumbers(p.outType, p.values, [p.values.length])]),
  'tflite.RANK': kernel(ops['tflite.RANK'], (_inputs, p) => [fromNumbers('int32', p.values, [])]),
};
