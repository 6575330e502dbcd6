/** Reference kernels: reduce ops. */
import { kernel, type KernelMap, type RuntimeValue } from '../engine/backend.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers } from '../engine/elements.js';
import { DTYPES, type DType } from '../engine/ir/dtype.js';
import { reduceOps as ops, type ReduceKind, type ReduceParams } from '../engine/ops/reduce.js';
import { stridesOf } from '../engine/ops/shape-utils.js';
import type { Tensor } from '../engine/tensor.js';
import { scanKernels } from './reduce/scan.js';

/** For each input element, the index of the output element (group) it folds into. */
export function groupIndex(inDims: readonly number[], axes: readonly number[], noop: boolean): { map: Int32Array; groups: number; count: number } {
  const n = inDims.reduce((a, b) => a * b, 1);
  const map = new Int32Array(n);
  if (noop) {
    for (let i = 0; i < n; i++) map[i] = i;
    return { map, groups: n, count: 1 };
  }
  const rank = inDims.length;
  const kept = inDims.map((d, i) => (axes.includes(i) ? 1 : d));
  const strides = stridesOf(kept);
  const eff = inDims.map((_, i) => (axes.includes(i) ? 0 : strides[i]!));
  const counter = new Array<number>(rank).fill(0);
  let at = 0;
  for (let j = 0; j < n; j++) {
    map[j] = at;
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]!++;
      at += eff[a]!;
      if (counter[a]! < inDims[a]!) break;
      at -= eff[a]! * inDims[a]!;
      counter[a] = 0;
    }
  }
  const groups = kept.reduce((a, b) => a * b, 1);
  const count = axes.reduce((a, i) => a * inDims[i]!, 1);
  return { map, groups, count };
}

/** The smallest and largest value of an integer dtype. */
function intRange(type: DType): [bigint, bigint] {
  const bits = BigInt(DTYPES[type].bits);
  return DTYPES[type].kind === 'int' ? [-(1n << (bits - 1n)), (1n << (bits - 1n)) - 1n] : [0n, (1n << bits) - 1n];
}

const EXACT_INT_KINDS: ReadonlySet<ReduceKind> = new Set(['Sum', 'SumSquare', 'L1', 'Prod', 'Mean', 'Max', 'Min']);

/** Integer reductions in bigints: exact, wrapping to the output type like C integer arithmetic. */
function reduceInts(x: Tensor, p: ReduceParams): Tensor {
  const v = toBigInts(x);
  const { map, groups, count } = groupIndex(p.inDims, p.axes, p.noop);
  const [lo, hi] = intRange(x.type);
  const init = p.kind === 'Prod' ? 1n : p.kind === 'Max' ? lo : p.kind === 'Min' ? hi : 0n;
  const acc = new Array<bigint>(groups).fill(init);
  for (let i = 0; i < v.length; i++) {
    const e = v[i]!;
    const j = map[i]!;
    switch (p.kind) {
      case 'Sum': case 'Mean': acc[j]! += e; break;
      case 'SumSquare': acc[j]! += e * e; break;
      case 'L1': acc[j]! += e < 0n ? -e : e; break;
      case 'Prod': acc[j]! *= e; break;
      case 'Max': if (e > acc[j]!) acc[j] = e; break;
      case 'Min': if (e < acc[j]!) acc[j] = e; break;
      default: break;
    }
  }
  if (p.kind === 'Mean') for (let j = 0; j < groups; j++) acc[j] = count === 0 ? 0n : acc[j]! / BigInt(count);
  return fromBigInts(x.type, acc, p.outDims);
}

/** Float (and bool) reductions, accumulated in doubles and rounded once to the output type. */
function reduceFloats(x: Tensor, p: ReduceParams): Tensor {
  const v = toNumbers(x);
  const { map, groups, count } = groupIndex(p.inDims, p.axes, p.noop);
  const isBool = x.type === 'bool';
  const init = p.kind === 'Prod' ? 1
    : p.kind === 'Max' || p.kind === 'LogSumExp' ? (isBool ? 0 : -Infinity)
      : p.kind === 'Min' ? (isBool ? 1 : Infinity) : 0;
  const acc = new Float64Array(groups).fill(init);
  const n = v.length;
  switch (p.kind) {
    case 'Sum': case 'Mean': case 'LogSum': for (let i = 0; i < n; i++) acc[map[i]!] = acc[map[i]!]! + v[i]!; break;
    case 'SumSquare': case 'L2': for (let i = 0; i < n; i++) acc[map[i]!] = acc[map[i]!]! + v[i]! * v[i]!; break;
    case 'L1': for (let i = 0; i < n; i++) acc[map[i]!] = acc[map[i]!]! + Math.abs(v[i]!); break;
    case 'Prod': for (let i = 0; i < n; i++) acc[map[i]!] = acc[map[i]!]! * v[i]!; break;
    case 'Max': case 'LogSumExp':
      for (let i = 0; i < n; i++) if (v[i]! > acc[map[i]!]! || Number.isNaN(v[i]!)) acc[map[i]!] = v[i]!;
      break;
    case 'Min': for (let i = 0; i < n; i++) if (v[i]! < acc[map[i]!]! || Number.isNaN(v[i]!)) acc[map[i]!] = v[i]!; break;
  }
  if (p.kind === 'Mean') for (let j = 0; j < groups; j++) acc[j] = acc[j]! / count;
  else if (p.kind === 'L2') for (let j = 0; j < groups; j++) acc[j] = Math.sqrt(acc[j]!);
  else if (p.kind === 'LogSum') for (let j = 0; j < groups; j++) acc[j] = Math.log(acc[j]!);
  else if (p.kind === 'LogSumExp') {
    const s = new Float64Array(groups);
    for (let i = 0; i < n; i++) {
      const m = acc[map[i]!]!;
      if (Number.isFinite(m)) s[map[i]!] = s[map[i]!]! + Math.exp(v[i]! - m);
    }
    // A non-finite max (all -inf, an empty set, a +inf or a NaN) is the answer itself.
    for (let j = 0; j < groups; j++) if (Number.isFinite(acc[j]!)) acc[j] = acc[j]! + Math.log(s[j]!);
  }
  return fromNumbers(x.type, acc, p.outDims);
}

function reduceKernel(inputs: readonly (RuntimeValue | undefined)[], p: ReduceParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const k = DTYPES[x.type].kind;
  const exact = (k === 'int' || k === 'uint') && EXACT_INT_KINDS.has(p.kind);
  return [exact ? reduceInts(x, p) : reduceFloats(x, p)];
}

export const reduceKernels: KernelMap = {
  ReduceSum: kernel(ops.ReduceSum, reduceKernel),
  ReduceMean: kernel(ops.ReduceMean, reduceKernel),
  ReduceMax: kernel(ops.ReduceMax, reduceKernel),
  ReduceMin: kernel(ops.ReduceMin, reduceKernel),
  ReduceProd: kernel(ops.ReduceProd, reduceKernel),
  ReduceL1: kernel(ops.ReduceL1, reduceKernel),
  ReduceL2: kernel(ops.ReduceL2, reduceKernel),
  ReduceLogSum: kernel(ops.ReduceLogSum, reduceKernel),
  ReduceLogSumExp: kernel(ops.ReduceLogSumExp, reduceKernel),
  ReduceSumSquare: kernel(ops.ReduceSumSquare, reduceKernel),
  ...scanKernels,
};
