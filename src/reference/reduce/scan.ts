/** Reference kernels of the ops that walk one axis: ArgMax/ArgMin, CumSum/CumProd, TopK. */
import { kernel, type KernelMap, type RuntimeValue } from '../../engine/backend.js';
import { allocElements, elementsOf, fromBigInts, fromNumbers, int64Tensor, tensorFromElements, toBigInts, toNumbers } from '../../engine/elements.js';
import { DTYPES, isWideInt } from '../../engine/ir/dtype.js';
import { reduceOps as ops, type ArgParams, type CumParams, type TopKParams } from '../../engine/ops/reduce.js';
import { Tensor } from '../../engine/tensor.js';

/**
 * Element values for comparisons only: doubles, or the exact bigints of int64/uint64 (typed as numbers:
 * `<`, `>` and Number.isNaN behave the same on bigints, and the values never mix).
 */
function comparable(t: Tensor): ArrayLike<number> {
  return isWideInt(t.type) ? (elementsOf(t) as unknown as ArrayLike<number>) : toNumbers(t);
}

/** Ascending order with NaN above everything. */
function cmpAsc(x: number, y: number): number {
  if (x < y) return -1;
  if (x > y) return 1;
  const nx = Number.isNaN(x);
  const ny = Number.isNaN(y);
  return nx === ny ? 0 : nx ? 1 : -1;
}

// ---------------------------------------------------------------- ArgMax / ArgMin

function argKernel(inputs: readonly (RuntimeValue | undefined)[], p: ArgParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const v = comparable(x);
  const out = new Array<number>(p.outer * p.inner);
  // NaN wins, as numpy's argmax/argmin: a NaN anywhere on the axis is the answer.
  const better = (e: number, b: number): boolean => {
    if (Number.isNaN(e)) return !Number.isNaN(b) || p.last;
    if (Number.isNaN(b)) return false;
    if (p.max) return p.last ? e >= b : e > b;
    return p.last ? e <= b : e < b;
  };
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const base = o * p.n * p.inner + i;
      let best = v[base]!;
      let at = 0;
      for (let j = 1; j < p.n; j++) {
        const e = v[base + j * p.inner]!;
        if (better(e, best)) { best = e; at = j; }
      }
      out[o * p.inner + i] = at;
    }
  }
  return [int64Tensor(out, p.outDims)];
}

// ---------------------------------------------------------------- CumSum / CumProd

function cumKernel(product: boolean) {
  return (inputs: readonly (RuntimeValue | undefined)[], p: CumParams): RuntimeValue[] => {
    const x = inputs[0] as Tensor;
    const kind = DTYPES[x.type].kind;
    const walk = <T>(v: ArrayLike<T>, out: { [i: number]: T }, one: T, op: (a: T, b: T) => T): void => {
      for (let o = 0; o < p.outer; o++) {
        for (let i = 0; i < p.inner; i++) {
          const base = o * p.n * p.inner + i;
          let acc = one;
          for (let s = 0; s < p.n; s++) {
            const at = base + (p.reverse ? p.n - 1 - s : s) * p.inner;
            if (p.exclusive) { out[at] = acc; acc = op(acc, v[at]!); }
            else { acc = op(acc, v[at]!); out[at] = acc; }
          }
        }
      }
    };
    if (kind === 'int' || kind === 'uint') {
      const out = new Array<bigint>(x.size);
      walk(toBigInts(x), out, product ? 1n : 0n, product ? (a, b) => a * b : (a, b) => a + b);
      return [fromBigInts(x.type, out, x.dims)];
    }
    const out = new Float64Array(x.size);
    walk(toNumbers(x), out, product ? 1 : 0, product ? (a, b) => a * b : (a, b) => a + b);
    return [fromNumbers(x.type, out, x.dims)];
  };
}

// ---------------------------------------------------------------- TopK

function topKKernel(inputs: readonly (RuntimeValue | undefined)[], p: TopKParams): RuntimeValue[] {
  const x = inputs[0] as Tensor;
  const v = comparable(x);
  const src = elementsOf(x);
  const count = p.outer * p.k * p.inner;
  const vals = allocElements(x.type, count);
  const idx = new BigInt64Array(count);
  const order = new Array<number>(p.n);
  // Ties go to the lower index; the order is always sorted (also allowed when sorted = 0).
  const cmp = p.largest ? (a: number, b: number) => cmpAsc(v[b]!, v[a]!) || a - b : (a: number, b: number) => cmpAsc(v[a]!, v[b]!) || a - b;
  for (let o = 0; o < p.outer; o++) {
    for (let i = 0; i < p.inner; i++) {
      const base = o * p.n * p.inner + i;
      for (let j = 0; j < p.n; j++) order[j] = base + j * p.inner;
      order.sort(cmp);
      for (let j = 0; j < p.k; j++) {
        const at = o * p.k * p.inner + j * p.inner + i;
        (vals as unknown[])[at] = src[order[j]!];
        idx[at] = BigInt((order[j]! - base) / p.inner);
      }
    }
  }
  return [tensorFromElements(x.type, vals, p.outDims), new Tensor('int64', idx, p.outDims)];
}

export const scanKernels: KernelMap = {
  ArgMax: kernel(ops.ArgMax, argKernel),
  ArgMin: kernel(ops.ArgMin, argKernel),
  CumSum: kernel(ops.CumSum, cumKernel(false)),
  CumProd: kernel(ops.CumProd, cumKernel(true)),
  TopK: kernel(ops.TopK, topKKernel),
};
