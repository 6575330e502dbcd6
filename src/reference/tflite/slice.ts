/** Reference kernels: TFLite slicing and padding (element moves; any dtype). */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromNumbers, tensorFromElements } from '../../engine/elements.js';
import { tfliteSliceOps as ops, type PadParams, type SliceParams } from '../../engine/ops/tflite/slice.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import type { Tensor } from '../../engine/tensor.js';

function slice(x: Tensor, p: SliceParams): Tensor {
  const src = elementsOf(x);
  const total = p.count.reduce((a, b) => a * b, 1);
  const out = allocElements(x.type, total);
  const strides = stridesOf(p.inDims);
  const rank = p.count.length;
  const idx = new Array<number>(rank).fill(0);
  let from = p.start.reduce((acc, s, i) => acc + s * strides[i]!, 0);
  const o = out as unknown as unknown[];
  const s = src as unknown as unknown[];
  for (let k = 0; k < total; k++) {
    o[k] = s[from];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      from += p.step[d]! * strides[d]!;
      if (idx[d]! < p.count[d]!) break;
      from -= p.step[d]! * strides[d]! * p.count[d]!;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.outDims);
}

/** Source index along one dimension for an output position (mirror modes), or -1 for padding. */
function srcIndex(i: number, before: number, size: number, mode: PadParams['mode']): number {
  const j = i - before;
  if (j >= 0 && j < size) return j;
  if (mode === 'constant') return -1;
  const off = mode === 'reflect' ? 1 : 0;
  if (j < 0) return -j - 1 + off;
  return 2 * size - j - 1 - off;
}

function pad(x: Tensor, p: PadParams): Tensor {
  const src = elementsOf(x);
  const total = p.outDims.reduce((a, b) => a * b, 1);
  const fill = fromNumbers(x.type === 'string' ? 'float32' : x.type, [p.value], [1]);
  const out = allocElements(x.type, total);
  const o = out as unknown as unknown[];
  const s = src as unknown as unknown[];
  const fv = x.type === 'string' ? '' : (elementsOf(fill) as unknown as unknown[])[0];
  const inStrides = stridesOf(p.inDims);
  const rank = p.outDims.length;
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < total; k++) {
    let from = 0;
    for (let d = 0; d < rank && from >= 0; d++) {
      const j = srcIndex(idx[d]!, p.before[d]!, p.inDims[d]!, p.mode);
      from = j < 0 ? -1 : from + j * inStrides[d]!;
    }
    o[k] = from < 0 ? fv : s[from];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < p.outDims[d]!) break;
      idx[d] = 0;
    }
  }
  return tensorFromElements(x.type, out, p.outDims);
}

export const tfliteSliceKernels: KernelMap = {
  'tflite.STRIDED_SLICE': kernel(ops['tflite.STRIDED_SLICE'], (inputs, p) => [slice(inputs[0] as Tensor, p)]),
  'tflite.SLICE': kernel(ops['tflite.SLICE'], (inputs, p) => [slice(inputs[0] as Tensor, p)]),
  'tflite.PAD': kernel(ops['tflite.PAD'], (inputs, p) => [pad(inputs[0] as Tensor, p)]),
  'tflite.PADV2': kernel(ops['tflite.PADV2'], (inputs, p) => [pad(inputs[0] as Tensor, p)]),
  'tflite.MIRROR_PAD': kernel(ops['tflite.MIRROR_PAD'], (inputs, p) => [pad(inputs[0] as Tensor, p)]),
};
