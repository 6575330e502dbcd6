/** Reference kernels: indexing ops (gather, scatter, compress, nonzero, unique, reverse-sequence). */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromBigInts, fromNumbers, int64Tensor, toBigInts, toNumbers } from '../../engine/elements.js';
import { KilnError } from '../../engine/errors.js';
import { isWideInt } from '../../engine/ir/dtype.js';
import { shapeOps as ops, type Reduction } from '../../engine/ops/shape.js';
import { sizeOf, type Tensor } from '../../engine/tensor.js';
import { alloc, build, copyRange, elems, mutableElems, normIndex, prod, strides, type Elems } from './common.js';

/** Flat offsets of every row-major position of `dims` under strides `st`. */
function offsets(dims: readonly number[], st: readonly number[]): Float64Array {
  const out = new Float64Array(sizeOf(dims));
  let k = 0;
  const rec = (a: number, base: number): void => {
    if (a === dims.length) {
      out[k++] = base;
      return;
    }
    for (let i = 0; i < dims[a]!; i++) rec(a + 1, base + i * st[a]!);
  };
  if (out.length) rec(0, 0);
  return out;
}

/** Writes updates into a copy of data, combining with `reduction`. */
function scatterInto(data: Tensor, updates: Tensor, reduction: Reduction) {
  if (reduction === 'none') {
    const out = mutableElems(data) as unknown[];
    const u = elems(updates);
    return { put: (d: number, s: number) => { out[d] = u[s]; }, done: () => build(data.type, out, data.dims) };
  }
  if (isWideInt(data.type)) {
    const out = toBigInts(data);
    const u = toBigInts(updates);
    const f: (a: bigint, b: bigint) => bigint = {
      add: (a: bigint, b: bigint) => a + b, mul: (a: bigint, b: bigint) => a * b,
      max: (a: bigint, b: bigint) => (a > b ? a : b), min: (a: bigint, b: bigint) => (a < b ? a : b),
    }[reduction];
    return { put: (d: number, s: number) => { out[d] = f(out[d]!, u[s]!); }, done: () => fromBigInts(data.type, out, data.dims) };
  }
  const out = toNumbers(data);
  const u = toNumbers(updates);
  const f: (a: number, b: number) => number = { add: (a: number, b: number) => a + b, mul: (a: number, b: number) => a * b, max: Math.max, min: Math.min }[reduction];
  return { put: (d: number, s: number) => { out[d] = f(out[d]!, u[s]!); }, done: () => fromNumbers(data.type, out, data.dims) };
}

/** Offsets into `data` of the index tensor's positions, with the axis' own coordinate left out. */
function elementOffsets(dataDims: readonly number[], indDims: readonly number[], axis: number, what: string): { base: Float64Array; axisStride: number } {
  if (indDims.length !== dataDims.length) throw new KilnError('E_SHAPE_MISMATCH', `${what} must have the data's rank ${dataDims.length}, got ${indDims.length}`);
  indDims.forEach((d, i) => {
    if (i !== axis && d > dataDims[i]!) throw new KilnError('E_SHAPE_MISMATCH', `${what} dims [${indDims.join(',')}] exceed the data dims [${dataDims.join(',')}]`);
  });
  const st = strides(dataDims);
  const axisStride = st[axis]!;
  st[axis] = 0;
  return { base: offsets(indDims, st), axisStride };
}

function scatterElements(inputs: readonly unknown[], p: { axis: number; reduction: Reduction }): Tensor[] {
  const [data, ind, upd] = inputs as Tensor[];
  const { base, axisStride } = elementOffsets(data!.dims, ind!.dims, p.axis, 'indices');
  const idx = toNumbers(ind!);
  const dim = data!.dims[p.axis]!;
  const s = scatterInto(data!, upd!, p.reduction);
  for (let k = 0; k < idx.length; k++) s.put(base[k]! + normIndex(idx[k]!, dim) * axisStride, k);
  return [s.done()];
}

/** Flat offset (into data) of each index tuple of a GatherND/ScatterND indices tensor, and the slice size. */
function tupleOffsets(dataDims: readonly number[], ind: Tensor, batchDims: number): { offs: Float64Array; slice: number; perBatch: number } {
  const q = ind.dims.length;
  const m = ind.dims[q - 1]!;
  const b = batchDims;
  const st = strides(dataDims.slice(b));
  const batchStride = prod(dataDims, b);
  const perBatch = prod(ind.dims, b, q - 1);
  const count = prod(ind.dims, 0, q - 1);
  const idx = toNumbers(ind);
  const offs = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    let o = Math.floor(t / Math.max(perBatch, 1)) * batchStride;
    for (let k = 0; k < m; k++) o += normIndex(idx[t * m + k]!, dataDims[b + k]!) * st[k]!;
    offs[t] = o;
  }
  return { offs, slice: prod(dataDims, b + m), perBatch };
}

/** The sort order of unique keys: numbers (NaN last), bigints, strings. */
function compareKeys(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return (a as bigint | string) < (b as bigint | string) ? -1 : (a as bigint | string) > (b as bigint | string) ? 1 : 0;
}

/** One comparable key per element: the numeric value (so -0 = 0 and float16 bits compare as numbers). */
function keysOf(x: Tensor): readonly unknown[] {
  if (x.type === 'string') return x.data as string[];
  if (isWideInt(x.type)) return toBigInts(x);
  if (x.type === 'complex64' || x.type === 'complex128') throw new KilnError('E_TYPE_UNSUPPORTED', `Unique does not take complex tensors`);
  return Array.from(toNumbers(x));
}

export const indexingKernels: KernelMap = {
  Gather: kernel(ops.Gather, (inputs, p) => {
    const [data, ind] = inputs as Tensor[];
    const dims = data!.dims;
    const outer = prod(dims, 0, p.axis);
    const inner = prod(dims, p.axis + 1);
    const dim = dims[p.axis]!;
    const idx = toNumbers(ind!).map((v) => normIndex(v, dim, 'Gather index'));
    const outDims = [...dims.slice(0, p.axis), ...ind!.dims, ...dims.slice(p.axis + 1)];
    const src = elems(data!);
    const out = alloc(data!.type, sizeOf(outDims));
    let o = 0;
    for (let i = 0; i < outer; i++) {
      for (let j = 0; j < idx.length; j++) {
        copyRange(out, o, src, (i * dim + idx[j]!) * inner, inner);
        o += inner;
      }
    }
    return [build(data!.type, out, outDims)];
  }),

  GatherElements: kernel(ops.GatherElements, (inputs, p) => {
    const [data, ind] = inputs as Tensor[];
    const { base, axisStride } = elementOffsets(data!.dims, ind!.dims, p.axis, 'indices');
    const idx = toNumbers(ind!);
    const dim = data!.dims[p.axis]!;
    const src = elems(data!);
    const out = alloc(data!.type, idx.length) as unknown[];
    for (let k = 0; k < idx.length; k++) out[k] = src[base[k]! + normIndex(idx[k]!, dim, 'GatherElements index') * axisStride];
    return [build(data!.type, out, ind!.dims)];
  }),

  GatherND: kernel(ops.GatherND, (inputs, p) => {
    const [data, ind] = inputs as Tensor[];
    const { offs, slice } = tupleOffsets(data!.dims, ind!, p.batchDims);
    const q = ind!.dims.length;
    const outDims = [...ind!.dims.slice(0, q - 1), ...data!.dims.slice(p.batchDims + ind!.dims[q - 1]!)];
    const src = elems(data!);
    const out = alloc(data!.type, offs.length * slice);
    for (let t = 0; t < offs.length; t++) copyRange(out, t * slice, src, offs[t]!, slice);
    return [build(data!.type, out, outDims)];
  }),

  Scatter: kernel(ops.Scatter, (inputs, p) => scatterElements(inputs, p)),
  ScatterElements: kernel(ops.ScatterElements, (inputs, p) => scatterElements(inputs, p)),

  ScatterND: kernel(ops.ScatterND, (inputs, p) => {
    const [data, ind, upd] = inputs as Tensor[];
    const { offs, slice } = tupleOffsets(data!.dims, ind!, 0);
    if (upd!.size !== offs.length * slice) throw new KilnError('E_SHAPE_MISMATCH', `updates has ${upd!.size} elements, expected ${offs.length * slice}`);
    const s = scatterInto(data!, upd!, p.reduction);
    for (let t = 0; t < offs.length; t++) for (let i = 0; i < slice; i++) s.put(offs[t]! + i, t * slice + i);
    return [s.done()];
  }),

  TensorScatter: kernel(ops.TensorScatter, (inputs, p) => {
    const [past, upd, wi] = inputs as (Tensor | undefined)[];
    const dims = past!.dims;
    const batch = dims[0]!;
    const maxSeq = dims[p.axis]!;
    const seq = upd!.dims[p.axis]!;
    const inner = prod(dims, p.axis + 1);
    const prefix = prod(dims, 0, p.axis);
    const perBatch = prod(dims, 1, p.axis);
    const writes = wi ? toNumbers(wi) : new Float64Array(batch);
    if (writes.length !== batch) throw new KilnError('E_SHAPE_MISMATCH', `write_indices has ${writes.length} entries for a batch of ${batch}`);
    const out = mutableElems(past!);
    const src = elems(upd!);
    for (let pi = 0; pi < prefix; pi++) {
      const w = writes[Math.floor(pi / perBatch)]!;
      if (w < 0 || (!p.circular && w + seq > maxSeq)) throw new KilnError('E_INPUT_INVALID', `write index ${w} with ${seq} updates does not fit a cache of ${maxSeq}`);
      for (let s = 0; s < seq; s++) {
        const t = p.circular ? (w + s) % maxSeq : w + s;
        copyRange(out, (pi * maxSeq + t) * inner, src, (pi * seq + s) * inner, inner);
      }
    }
    return [build(past!.type, out, dims)];
  }),

  Compress: kernel(ops.Compress, (inputs, p) => {
    const [x, cond] = inputs as Tensor[];
    const c = toNumbers(cond!);
    const dims = p.axis === undefined ? [x!.size] : x!.dims;
    const axis = p.axis ?? 0;
    const dim = dims[axis]!;
    for (let i = dim; i < c.length; i++) if (c[i]) throw new KilnError('E_INPUT_INVALID', `condition selects index ${i} beyond the axis size ${dim}`);
    const sel: number[] = [];
    for (let i = 0; i < Math.min(dim, c.length); i++) if (c[i]) sel.push(i);
    const outer = prod(dims, 0, axis);
    const inner = prod(dims, axis + 1);
    const src = elems(x!);
    const out = alloc(x!.type, outer * sel.length * inner);
    let o = 0;
    for (let i = 0; i < outer; i++) {
      for (const j of sel) {
        copyRange(out, o, src, (i * dim + j) * inner, inner);
        o += inner;
      }
    }
    return [build(x!.type, out, dims.map((d, i) => (i === axis ? sel.length : d)))];
  }),

  NonZero: kernel(ops.NonZero, (inputs) => {
    const x = inputs[0] as Tensor;
    const v = toNumbers(x);
    const r = x.dims.length;
    const st = strides(x.dims);
    const hits: number[] = [];
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) hits.push(i);
    const out = new Array<number>(r * hits.length);
    hits.forEach((flat, c) => {
      let rest = flat;
      for (let d = 0; d < r; d++) {
        out[d * hits.length + c] = Math.floor(rest / st[d]!);
        rest %= st[d]!;
      }
    });
    return [int64Tensor(out, [r, hits.length])];
  }),

  Unique: kernel(ops.Unique, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const dims = p.axis === undefined ? [x.size] : x.dims;
    const axis = p.axis ?? 0;
    const n = dims[axis]!;
    const outer = prod(dims, 0, axis);
    const inner = prod(dims, axis + 1);
    const keys = keysOf(x);
    // Slice j of the axis, as its elements' keys (outer-major, then inner).
    const sliceKeys = (j: number): unknown[] => {
      const k: unknown[] = [];
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) k.push(keys[(o * n + j) * inner + i]);
      return k;
    };
    const slices = Array.from({ length: n }, (_, j) => sliceKeys(j));
    const sig = (s: unknown[]): unknown => (s.length === 1 ? s[0] : JSON.stringify(s.map((v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? 0 : v))));
    const first = new Map<unknown, number>();
    const inverseOf: number[] = [];
    const order: number[] = [];
    slices.forEach((s, j) => {
      const key = sig(s);
      let u = first.get(key);
      if (u === undefined) {
        u = order.length;
        first.set(key, u);
        order.push(j);
      }
      inverseOf.push(u);
    });
    // rank[k] = the unique (by first occurrence) that comes k-th in the output.
    const rank = order.map((_, u) => u);
    if (p.sorted) {
      rank.sort((a, b) => {
        const sa = slices[order[a]!]!;
        const sb = slices[order[b]!]!;
        for (let i = 0; i < sa.length; i++) {
          const c = compareKeys(sa[i], sb[i]);
          if (c) return c;
        }
        return 0;
      });
    }
    const pos = new Array<number>(rank.length);
    rank.forEach((u, k) => { pos[u] = k; });
    const k = rank.length;
    const counts = new Array<number>(k).fill(0);
    const inverse = inverseOf.map((u) => pos[u]!);
    for (const v of inverse) counts[v]!++;
    const src = elems(x);
    const out: Elems = alloc(x.type, outer * k * inner);
    for (let o = 0; o < outer; o++) {
      rank.forEach((u, kk) => copyRange(out, (o * k + kk) * inner, src, (o * n + order[u]!) * inner, inner));
    }
    const yDims = dims.map((d, i) => (i === axis ? k : d));
    return [build(x.type, out, yDims), int64Tensor(rank.map((u) => order[u]!)), int64Tensor(inverse), int64Tensor(counts)];
  }),

  ReverseSequence: kernel(ops.ReverseSequence, (inputs, p) => {
    const [x, lens] = inputs as Tensor[];
    const dims = p.dims;
    const batch = dims[p.batchAxis]!;
    const steps = dims[p.timeAxis]!;
    const inner = prod(dims, 2);
    const len = toNumbers(lens!);
    if (len.length !== batch) throw new KilnError('E_SHAPE_MISMATCH', `sequence_lens has ${len.length} entries for a batch of ${batch}`);
    const at = (b: number, t: number) => (p.batchAxis === 0 ? b * steps + t : t * batch + b) * inner;
    const src = elems(x!);
    const out = alloc(x!.type, x!.size);
    for (let b = 0; b < batch; b++) {
      const l = len[b]!;
      if (!(l >= 0 && l <= steps)) throw new KilnError('E_INPUT_INVALID', `sequence length ${l} is outside [0, ${steps}]`);
      for (let t = 0; t < steps; t++) copyRange(out, at(b, t), src, at(b, t < l ? l - 1 - t : t), inner);
    }
    return [build(x!.type, out, dims)];
  }),
};
