/** Reference kernels: broadcasting binary and variadic ops. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { elementsOf, fromBigInts, fromNumbers, toBigInts, toNumbers } from '../../engine/elements.js';
import { DTYPES } from '../../engine/ir/dtype.js';
import { elementwiseOps as ops, type BroadcastParams } from '../../engine/ops/elementwise.js';
import { Tensor } from '../../engine/tensor.js';
import {
  compareBinary, divisionByZero, foldBroadcast, indexMaps, isIntType, mapBinary, tensorAt, type Inputs, type NumericOp,
} from './core.js';
import { cpow, powInt } from './math.js';

const binary = (op: NumericOp) => (inputs: Inputs, p: BroadcastParams) => [mapBinary(tensorAt(inputs, 0), tensorAt(inputs, 1), p, op)];

const compare = (pred: <T extends number | bigint | string>(x: T, y: T) => boolean) => (inputs: Inputs, p: BroadcastParams) => [
  compareBinary(tensorAt(inputs, 0), tensorAt(inputs, 1), p, pred),
];

/** And / Or / Xor on bool tensors. */
const logical = (f: (a: number, b: number) => boolean) => (inputs: Inputs, p: BroadcastParams) => {
  const [ia, ib] = indexMaps(p);
  const x = elementsOf(tensorAt(inputs, 0)) as Uint8Array;
  const y = elementsOf(tensorAt(inputs, 1)) as Uint8Array;
  const out = new Uint8Array(ia!.length);
  for (let j = 0; j < out.length; j++) out[j] = f(x[ia![j]!]!, y[ib![j]!]!) ? 1 : 0;
  return [new Tensor('bool', out, p.outDims)];
};

const variadic = (op: NumericOp, mean = false) => (inputs: Inputs, p: BroadcastParams) => {
  const ts = inputs.map((_, i) => tensorAt(inputs, i));
  const n = ts.length;
  return [foldBroadcast(ts, p, op, ts[0]!.type, mean ? { float: (s) => s / n, big: (s) => s / BigInt(n) } : undefined)];
};

/** Python-style remainder: the sign follows the divisor. */
function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}
function floorModBig(a: bigint, b: bigint): bigint {
  if (b === 0n) divisionByZero();
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** Pow with base and exponent of possibly different types; output has the base's type. */
function pow(inputs: Inputs, p: BroadcastParams): Tensor[] {
  const a = tensorAt(inputs, 0);
  const b = tensorAt(inputs, 1);
  const [ia, ib] = indexMaps(p);
  const n = ia!.length;
  if (isIntType(a.type) && isIntType(b.type)) {
    // integer ** integer: exact, wrapping like repeated multiplication in the base's type
    const x = toBigInts(a);
    const y = toBigInts(b);
    const bits = DTYPES[a.type].bits;
    const signed = DTYPES[a.type].kind === 'int';
    return [fromBigInts(a.type, Array.from({ length: n }, (_, j) => powInt(x[ia![j]!]!, y[ib![j]!]!, bits, signed)), p.outDims)];
  }
  const x = toNumbers(a);
  const y = toNumbers(b);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = cpow(x[ia![j]!]!, y[ib![j]!]!);
  return [fromNumbers(a.type, out, p.outDims)]; // integer bases truncate toward zero
}

export const binaryKernels: KernelMap = {
  Add: kernel(ops.Add, binary({ float: (a, b) => a + b, big: (a, b) => a + b })),
  Sub: kernel(ops.Sub, binary({ float: (a, b) => a - b, big: (a, b) => a - b })),
  Mul: kernel(ops.Mul, binary({ float: (a, b) => a * b, int: (a, b) => (Math.abs(a * b) < 2 ** 53 ? a * b : Math.imul(a, b)), big: (a, b) => a * b })),
  Div: kernel(ops.Div, binary({
    float: (a, b) => a / b,
    int: (a, b) => (b === 0 ? divisionByZero() : Math.trunc(a / b)),
    big: (a, b) => (b === 0n ? divisionByZero() : a / b),
  })),
  Pow: kernel(ops.Pow, pow),
  Mod: kernel(ops.Mod, (inputs, p) => {
    const op: NumericOp = p.fmod
      ? { float: (a, b) => a % b, int: (a, b) => (b === 0 ? divisionByZero() : a % b), big: (a, b) => (b === 0n ? divisionByZero() : a % b) }
      : { float: floorMod, int: (a, b) => (b === 0 ? divisionByZero() : floorMod(a, b)), big: floorModBig };
    return [mapBinary(tensorAt(inputs, 0), tensorAt(inputs, 1), p, op)];
  }),
  And: kernel(ops.And, logical((a, b) => a !== 0 && b !== 0)),
  Or: kernel(ops.Or, logical((a, b) => a !== 0 || b !== 0)),
  Xor: kernel(ops.Xor, logical((a, b) => (a !== 0) !== (b !== 0))),
  Equal: kernel(ops.Equal, compare((x, y) => x === y)),
  Less: kernel(ops.Less, compare((x, y) => x < y)),
  LessOrEqual: kernel(ops.LessOrEqual, compare((x, y) => x <= y)),
  Greater: kernel(ops.Greater, compare((x, y) => x > y)),
  GreaterOrEqual: kernel(ops.GreaterOrEqual, compare((x, y) => x >= y)),
  BitShift: kernel(ops.BitShift, (inputs, p) => {
    const a = tensorAt(inputs, 0);
    const bits = DTYPES[a.type].bits;
    const op: NumericOp = p.left
      ? { float: (x, s) => (s >= bits ? 0 : x << s), big: (x, s) => (s >= BigInt(bits) ? 0n : x << s) }
      : { float: (x, s) => (s >= bits ? 0 : x >>> s), big: (x, s) => (s >= BigInt(bits) ? 0n : x >> s) };
    return [mapBinary(a, tensorAt(inputs, 1), p, op)];
  }),
  BitwiseAnd: kernel(ops.BitwiseAnd, binary({ float: (a, b) => a & b, big: (a, b) => a & b })),
  BitwiseOr: kernel(ops.BitwiseOr, binary({ float: (a, b) => a | b, big: (a, b) => a | b })),
  BitwiseXor: kernel(ops.BitwiseXor, binary({ float: (a, b) => a ^ b, big: (a, b) => a ^ b })),
  Max: kernel(ops.Max, variadic({ float: Math.max, big: (a, b) => (a > b ? a : b) })),
  Min: kernel(ops.Min, variadic({ float: Math.min, big: (a, b) => (a < b ? a : b) })),
  Sum: kernel(ops.Sum, variadic({ float: (a, b) => a + b, big: (a, b) => a + b })),
  Mean: kernel(ops.Mean, variadic({ float: (a, b) => a + b, big: (a, b) => a + b }, true)),
};
