/** Reference kernels: elementwise ops. */
import { kernel, type KernelMap, type RuntimeValue } from '../engine/backend.js';
import { fromBigInts, fromNumbers, toBigInts, toNumbers } from '../engine/elements.js';
import { isWideInt } from '../engine/ir/dtype.js';
import { elementwiseOps as ops, type BroadcastParams } from '../engine/ops/elementwise.js';
import type { Tensor } from '../engine/tensor.js';
import { broadcastIndex } from './broadcast.js';

type NumFn = (a: number, b: number) => number;
type BigFn = (a: bigint, b: bigint) => bigint;

/** A broadcasting binary kernel: float math in doubles (rounded once to the output type), int64 exact. */
function binary(f: NumFn, big?: BigFn) {
  return (inputs: readonly (RuntimeValue | undefined)[], p: BroadcastParams): RuntimeValue[] => {
    const a = inputs[0] as Tensor;
    const b = inputs[1] as Tensor;
    const ia = broadcastIndex(a.dims, p.outDims);
    const ib = broadcastIndex(b.dims, p.outDims);
    if (big && isWideInt(a.type)) {
      const x = toBigInts(a);
      const y = toBigInts(b);
      return [fromBigInts(a.type, Array.from(ia, (_, j) => big(x[ia[j]!]!, y[ib[j]!]!)), p.outDims)];
    }
    const x = toNumbers(a);
    const y = toNumbers(b);
    const out = new Float64Array(ia.length);
    for (let j = 0; j < out.length; j++) out[j] = f(x[ia[j]!]!, y[ib[j]!]!);
    return [fromNumbers(a.type, out, p.outDims)];
  };
}

function unary(f: (x: number) => number) {
  return (inputs: readonly (RuntimeValue | undefined)[]): RuntimeValue[] => {
    const x = inputs[0] as Tensor;
    return [fromNumbers(x.type, toNumbers(x).map(f), x.dims)];
  };
}

export const elementwiseKernels: KernelMap = {
  Add: kernel(ops.Add, binary((a, b) => a + b, (a, b) => a + b)),
  Sub: kernel(ops.Sub, binary((a, b) => a - b, (a, b) => a - b)),
  Mul: kernel(ops.Mul, binary((a, b) => a * b, (a, b) => a * b)),
  Relu: kernel(ops.Relu, unary((x) => (x > 0 ? x : 0))),
  Identity: kernel(ops.Identity, (inputs) => [inputs[0]!]),
};
