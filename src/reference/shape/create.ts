/** Reference kernels: ops that make new tensors. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { isWideInt } from '../../engine/ir/dtype.js';
import { shapeOps as ops } from '../../engine/ops/shape.js';
import { sizeOf, type Tensor } from '../../engine/tensor.js';
import { alloc, build, elems, prod } from './common.js';

export const createKernels: KernelMap = {
  Constant: kernel(ops.Constant, (_inputs, p) => [p.value]),

  ConstantOfShape: kernel(ops.ConstantOfShape, (_inputs, p) => {
    const type = p.value?.type ?? 'float32';
    const n = sizeOf(p.dims);
    const out = alloc(type, n);
    if (p.value) {
      const v = elems(p.value)[0];
      if (ArrayBuffer.isView(out)) (out as unknown as { fill(x: unknown): void }).fill(v);
      else (out as unknown[]).fill(v);
    }
    return [build(type, out, p.dims)];
  }),

  Range: kernel(ops.Range, (inputs, p) => {
    const [start, , delta] = inputs as Tensor[];
    const type = start!.type;
    if (isWideInt(type)) {
      const s = toBigInts(start!)[0]!;
      const d = toBigInts(delta!)[0]!;
      return [fromBigInts(type, Array.from({ length: p.count }, (_, i) => s + BigInt(i) * d), [p.count])];
    }
    const s = toNumbers(start!)[0]!;
    const d = toNumbers(delta!)[0]!;
    const v = new Float64Array(p.count);
    for (let i = 0; i < p.count; i++) v[i] = s + i * d;
    return [fromNumbers(type, v, [p.count])];
  }),

  EyeLike: kernel(ops.EyeLike, (_inputs, p) => {
    const [rows, cols] = p.dims as [number, number];
    const v = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const j = i + p.k;
      if (j >= 0 && j < cols) v[i * cols + j] = 1;
    }
    return [fromNumbers(p.dtype, v, p.dims)];
  }),

  OneHot: kernel(ops.OneHot, (inputs, p) => {
    const [ind, , values] = inputs as Tensor[];
    if (values!.size !== 2) throw new KilnError('E_SHAPE_MISMATCH', `values must hold 2 elements [off, on], got ${values!.size}`);
    const idx = toNumbers(ind!);
    const [off, on] = [elems(values!)[0], elems(values!)[1]];
    const n = sizeOf(p.outDims);
    const out = alloc(values!.type, n) as unknown[];
    for (let i = 0; i < n; i++) out[i] = off;
    const inner = prod(ind!.dims, p.axis);
    const outer = prod(ind!.dims, 0, p.axis);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let k = Math.trunc(idx[o * inner + i]!);
        if (k < 0) k += p.depth;
        if (k >= 0 && k < p.depth) out[(o * p.depth + k) * inner + i] = on;
      }
    }
    return [build(values!.type, out, p.outDims)];
  }),

  Trilu: kernel(ops.Trilu, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const r = x.dims.length;
    const [rows, cols] = [x.dims[r - 2]!, x.dims[r - 1]!];
    const src = elems(x);
    const out = alloc(x.type, x.size) as unknown[];
    const batches = prod(x.dims, 0, r - 2);
    for (let b = 0; b < batches; b++) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const keep = p.upper ? j - i >= p.k : j - i <= p.k;
          const at = (b * rows + i) * cols + j;
          if (keep) out[at] = src[at];
        }
      }
    }
    return [build(x.type, out, x.dims)];
  }),
};
