/** Reference kernels: TFLite selection and generator ops. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { allocElements, elementsOf, fromBigInts, fromNumbers, tensorFromElements, toBigInts, toNumbers } from '../../engine/elements.js';
import { tfliteSelectOps as ops, type ArgParams, type CumsumParams, type SelectParams, type TopKParams } from '../../engine/ops/tflite/select.js';
import type { DType } from '../../engine/ir/dtype.js';
import { stridesOf } from '../../engine/ops/shape-utils.js';
import { Tensor } from '../../engine/tensor.js';
import { broadcast2 } from './binary.js';

type Slots = unknown[];
const slots = (t: Tensor): Slots => elementsOf(t) as unknown as Slots;

function select(c: Tensor, x: Tensor, y: Tensor, p: SelectParams): Tensor {
  const cond = toNumbers(c);
  const a = slots(x), b = slots(y);
  const n = p.outDims.reduce((s, d) => s * d, 1);
  const out = allocElements(x.type, n);
  const o = out as unknown as Slots;
  // Two passes of the pairwise broadcast: (cond, x) gives the x index, (cond, y) the y index.
  const ix = new Int32Array(n), iy = new Int32Array(n), ic = new Int32Array(n);
  broadcast2(p.outDims, p.condDims, x.dims, (k, i, j) => { ic[k] = i; ix[k] = j; });
  broadcast2(p.outDims, p.condDims, y.dims, (k, _i, j) => { iy[k] = j; });
  for (let k = 0; k < n; k++) o[k] = cond[ic[k]!] ? a[ix[k]!] : b[iy[k]!];
  return tensorFromElements(x.type, out, p.outDims);
}

function where(c: Tensor, dims: readonly number[]): Tensor {
  const v = toNumbers(c);
  const strides = stridesOf(dims);
  const coords: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (!v[i]) continue;
    let r = i;
    for (let d = 0; d < dims.length; d++) { coords.push(Math.floor(r / strides[d]!)); r %= strides[d]!; }
  }
  return fromNumbers('int64', coords, [coords.length / Math.max(1, dims.length), dims.length]);
}

function argReduce(x: Tensor, p: ArgParams, max: boolean): Tensor {
  const v = toNumbers(x);
  const out = new Float64Array(p.outer * p.inner);
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      let best = 0;
      let bv = v[o * p.axis * p.inner + i]!;
      for (let a = 1; a < p.axis; a++) {
        const c = v[(o * p.axis + a) * p.inner + i]!;
        if (max ? c > bv : c < bv) { bv = c; best = a; }
      }
      out[o * p.inner + i] = best;
    }
  }
  return fromNumbers(p.outType, out, p.outDims);
}

function topk(x: Tensor, p: TopKParams): Tensor[] {
  const src = slots(x);
  const v = toNumbers(x);
  const vals = allocElements(x.type, p.rows * p.k);
  const o = vals as unknown as Slots;
  const idx = new Int32Array(p.rows * p.k);
  for (let r = 0; r < p.rows; r++) {
    const order = Array.from({ length: p.n }, (_, i) => i).sort((a, b) => v[r * p.n + b]! - v[r * p.n + a]! || a - b);
    for (let j = 0; j < p.k; j++) {
      idx[r * p.k + j] = order[j]!;
      o[r * p.k + j] = src[r * p.n + order[j]!];
    }
  }
  return [tensorFromElements(x.type, vals, p.outDims), new Tensor('int32', idx, p.outDims)];
}

function cumsum(x: Tensor, p: CumsumParams): Tensor {
  const wide = x.type === 'int64';
  const v = wide ? toBigInts(x) : Array.from(toNumbers(x));
  const out = v.slice();
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      let acc: number | bigint = wide ? 0n : 0;
      for (let s = 0; s < p.axis; s++) {
        const a = p.reverse ? p.axis - 1 - s : s;
        const at = (o * p.axis + a) * p.inner + i;
        const cur = v[at]!;
        if (p.exclusive) { out[at] = acc; acc = (acc as number) + (cur as number); } else { acc = (acc as number) + (cur as number); out[at] = acc; }
      }
    }
  }
  return wide ? fromBigInts('int64', out as bigint[], x.dims) : fromNumbers(x.type, out as number[], x.dims);
}

function cast(x: Tensor, outType: DType): Tensor {
  if (x.type === 'string' || outType === 'string') return tensorFromElements(outType, elementsOf(x), x.dims);
  if ((x.type === 'int64' || x.type === 'uint64') && (outType === 'int64' || outType === 'uint64')) return fromBigInts(outType, toBigInts(x), x.dims);
  const v = toNumbers(x);
  if (outType === 'int64' || outType === 'uint64') return fromBigInts(outType, Array.from(v, (n) => BigInt(Number.isFinite(n) ? Math.trunc(n) : 0)), x.dims);
  return fromNumbers(outType, v, x.dims);
}

export const tfliteSelectKernels: KernelMap = {
  'tflite.SELECT': kernel(ops['tflite.SELECT'], (inputs, p) => [select(inputs[0] as Tensor, inputs[1] as Tensor, inputs[2] as Tensor, p)]),
  'tflite.SELECT_V2': kernel(ops['tflite.SELECT_V2'], (inputs, p) => [select(inputs[0] as Tensor, inputs[1] as Tensor, inputs[2] as Tensor, p)]),
  'tflite.WHERE': kernel(ops['tflite.WHERE'], (inputs, p) => [where(inputs[0] as Tensor, p.dims)]),
  'tflite.RANGE': kernel(ops['tflite.RANGE'], (_inputs, p) => [fromNumbers(p.outType, Array.from({ length: p.count }, (_, i) => p.start + i * p.delta), [p.count])]),
  'tflite.ARG_MAX': kernel(ops['tflite.ARG_MAX'], (inputs, p) => [argReduce(inputs[0] as Tensor, p, true)]),
  'tflite.ARG_MIN': kernel(ops['tflite.ARG_MIN'], (inputs, p) => [argReduce(inputs[0] as Tensor, p, false)]),
  'tflite.TOPK_V2': kernel(ops['tflite.TOPK_V2'], (inputs, p) => topk(inputs[0] as Tensor, p)),
  'tflite.CUMSUM': kernel(ops['tflite.CUMSUM'], (inputs, p) => [cumsum(inputs[0] as Tensor, p)]),
  'tflite.CAST': kernel(ops['tflite.CAST'], (inputs, p) => [cast(inputs[0] as Tensor, p.outType)]),
  'tflite.BROADCAST_ARGS': kernel(ops['tflite.BROADCAST_ARGS'], (inputs, p) => [fromNumbers((inputs[0] as Tensor).type, p.values, [p.values.length])]),
};
