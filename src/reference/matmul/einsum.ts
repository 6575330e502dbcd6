/**
 * Einsum in float64: each operand first takes its diagonals (repeated labels) and sums the labels no
 * one else needs; operands are then contracted left to right as batched matrix products (batch labels,
 * free labels of each side, contracted labels), and the result is transposed to the output order.
 */
import { KilnError } from '../../engine/errors.js';
import type { EinsumParams } from '../../engine/ops/matmul.js';
import { gemm } from './gemm.js';

interface Operand {
  readonly labels: readonly string[];
  readonly dims: readonly number[];
  readonly data: Float64Array;
}

const stridesOf = (dims: readonly number[]): number[] => {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
};

/** dst[j] (+)= src[off + Σ idx·strides] over the index space `dims`, row-major; `sum` folds the trailing `sumAxes` axes. */
function walk(src: Float64Array, dims: readonly number[], strides: readonly number[], sumAxes: number): Float64Array {
  const rank = dims.length;
  const keepRank = rank - sumAxes;
  const total = dims.reduce((a, b) => a * b, 1);
  const outSize = dims.slice(0, keepRank).reduce((a, b) => a * b, 1);
  const out = new Float64Array(outSize);
  if (total === 0) return out;
  const idx = new Array<number>(rank).fill(0);
  const inner = rank ? dims[rank - 1]! : 1;
  const innerStride = rank ? strides[rank - 1]! : 0;
  const perOut = total / outSize;
  let off = 0;
  for (let n = 0; n < total; n += inner) {
    const o = Math.floor(n / perOut);
    if (sumAxes > 0) {
      let s = 0;
      for (let i = 0, p = off; i < inner; i++, p += innerStride) s += src[p]!;
      out[o] = out[o]! + s;
    } else {
      for (let i = 0, p = off; i < inner; i++, p += innerStride) out[n + i] = src[p]!;
    }
    // advance the odometer over axes [0, rank-1)
    for (let a = rank - 2; a >= 0; a--) {
      idx[a]!++;
      off += strides[a]!;
      if (idx[a]! < dims[a]!) break;
      off -= strides[a]! * dims[a]!;
      idx[a] = 0;
    }
  }
  return out;
}

/** Takes diagonals of repeated labels and sums the labels not in `needed`. */
function reduce(op: Operand, needed: ReadonlySet<string>): Operand {
  const base = stridesOf(op.dims);
  const uniq: string[] = [];
  const size = new Map<string, number>();
  const stride = new Map<string, number>();
  op.labels.forEach((l, i) => {
    if (!size.has(l)) {
      uniq.push(l);
      size.set(l, op.dims[i]!);
      stride.set(l, 0);
    } else if (size.get(l) !== op.dims[i]) {
      // repeated label of different sizes: the diagonal is undefined
      throw new KilnError('E_SHAPE_MISMATCH', `Einsum: label '${l.replace('…', '...')}' is repeated with sizes ${size.get(l)} and ${op.dims[i]}`);
    }
    stride.set(l, stride.get(l)! + base[i]!);
  });
  const keep = uniq.filter((l) => needed.has(l));
  const drop = uniq.filter((l) => !needed.has(l));
  if (keep.length === op.labels.length) return op;
  const order = [...keep, ...drop];
  const data = walk(op.data, order.map((l) => size.get(l)!), order.map((l) => stride.get(l)!), drop.length);
  return { labels: keep, dims: keep.map((l) => size.get(l)!), data };
}

/** Gathers `op` into the label order `order` with the given sizes (size-1 axes broadcast by stride 0). */
function arrange(op: Operand, order: readonly string[], sizes: ReadonlyMap<string, number>): Float64Array {
  const s = stridesOf(op.dims);
  const dims = order.map((l) => sizes.get(l)!);
  const strides = order.map((l) => {
    const i = op.labels.indexOf(l);
    return i < 0 || op.dims[i] === 1 ? 0 : s[i]!;
  });
  const identity = order.length === op.labels.length && order.every((l, i) => l === op.labels[i] && dims[i] === op.dims[i]);
  return identity ? op.data : walk(op.data, dims, strides, 0);
}

function contract(x: Operand, y: Operand, needed: ReadonlySet<string>): Operand {
  const sizes = new Map<string, number>();
  for (const op of [x, y]) op.labels.forEach((l, i) => sizes.set(l, Math.max(sizes.get(l) ?? 0, op.dims[i]!)));
  const inY = new Set(y.labels);
  const inX = new Set(x.labels);
  const batch = x.labels.filter((l) => inY.has(l) && needed.has(l));
  const summed = x.labels.filter((l) => inY.has(l) && !needed.has(l));
  const xFree = x.labels.filter((l) => !inY.has(l));
  const yFree = y.labels.filter((l) => !inX.has(l));
  const prod = (ls: readonly string[]) => ls.reduce((a, l) => a * sizes.get(l)!, 1);
  const B = prod(batch);
  const M = prod(xFree);
  const K = prod(summed);
  const N = prod(yFree);
  const xm = arrange(x, [...batch, ...xFree, ...summed], sizes);
  const ym = arrange(y, [...batch, ...summed, ...yFree], sizes);
  const out = new Float64Array(B * M * N);
  for (let b = 0; b < B; b++) gemm(M, N, K, xm, b * M * K, K, 1, ym, b * K * N, N, 1, out, b * M * N, N, false);
  const labels = [...batch, ...xFree, ...yFree];
  return { labels, dims: labels.map((l) => sizes.get(l)!), data: out };
}

/** Evaluates the einsum over float64 operands. */
export function einsum(p: EinsumParams, inputs: readonly { dims: readonly number[]; data: Float64Array }[]): Float64Array {
  const ops: Operand[] = inputs.map((t, i) => ({ labels: p.inputs[i]!, dims: t.dims, data: t.data }));
  const neededAfter = (from: number): Set<string> => {
    const s = new Set(p.output);
    for (let j = from; j < ops.length; j++) for (const l of ops[j]!.labels) s.add(l);
    return s;
  };
  // First pass: diagonals and labels only one operand has and the output lacks.
  for (let i = 0; i < ops.length; i++) {
    const others = new Set(p.output);
    ops.forEach((o, j) => { if (j !== i) for (const l of o.labels) others.add(l); });
    ops[i] = reduce(ops[i]!, others);
  }
  let acc = ops[0]!;
  for (let i = 1; i < ops.length; i++) acc = contract(acc, ops[i]!, neededAfter(i + 1));
  acc = reduce(acc, new Set(p.output));
  const sizes = new Map<string, number>(Object.entries(p.sizes));
  return arrange(acc, p.output, sizes);
}
