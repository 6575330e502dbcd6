/** Reference kernels: unary math, predicates and activations. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { elementsOf } from '../../engine/elements.js';
import { elementwiseOps as ops } from '../../engine/ops/elementwise.js';
import { Tensor } from '../../engine/tensor.js';
import { mapPredicate, mapUnary, tensorAt, type Inputs } from './core.js';
import { erf, roundHalfEven, sigmoid, softplus } from './math.js';

/** A kernel mapping `f` over input 0 (`big` for exact 64-bit integers). */
const unary = (f: (v: number) => number, big?: (v: bigint) => bigint) => (inputs: Inputs) => [mapUnary(tensorAt(inputs, 0), f, big)];

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export const unaryKernels: KernelMap = {
  Abs: kernel(ops.Abs, unary(Math.abs, (v) => (v < 0n ? -v : v))),
  Neg: kernel(ops.Neg, unary((v) => -v, (v) => -v)),
  Sign: kernel(ops.Sign, unary((v) => (v > 0 ? 1 : v < 0 ? -1 : v), (v) => (v > 0n ? 1n : v < 0n ? -1n : 0n))),
  Exp: kernel(ops.Exp, unary(Math.exp)),
  Log: kernel(ops.Log, unary(Math.log)),
  Sqrt: kernel(ops.Sqrt, unary(Math.sqrt)),
  Reciprocal: kernel(ops.Reciprocal, unary((v) => 1 / v)),
  Floor: kernel(ops.Floor, unary(Math.floor)),
  Ceil: kernel(ops.Ceil, unary(Math.ceil)),
  Round: kernel(ops.Round, unary(roundHalfEven)),
  Sin: kernel(ops.Sin, unary(Math.sin)),
  Cos: kernel(ops.Cos, unary(Math.cos)),
  Tan: kernel(ops.Tan, unary(Math.tan)),
  Asin: kernel(ops.Asin, unary(Math.asin)),
  Acos: kernel(ops.Acos, unary(Math.acos)),
  Atan: kernel(ops.Atan, unary(Math.atan)),
  Sinh: kernel(ops.Sinh, unary(Math.sinh)),
  Cosh: kernel(ops.Cosh, unary(Math.cosh)),
  Asinh: kernel(ops.Asinh, unary(Math.asinh)),
  Acosh: kernel(ops.Acosh, unary(Math.acosh)),
  Atanh: kernel(ops.Atanh, unary(Math.atanh)),
  Erf: kernel(ops.Erf, unary(erf)),
  Not: kernel(ops.Not, (inputs) => {
    const x = tensorAt(inputs, 0);
    const v = elementsOf(x) as Uint8Array;
    return [new Tensor('bool', v.map((b) => (b ? 0 : 1)), x.dims)];
  }),
  BitwiseNot: kernel(ops.BitwiseNot, unary((v) => ~v, (v) => ~v)),
  IsNaN: kernel(ops.IsNaN, (inputs) => [mapPredicate(tensorAt(inputs, 0), Number.isNaN)]),
  IsInf: kernel(ops.IsInf, (inputs, p) => [
    mapPredicate(tensorAt(inputs, 0), (v) => (v === Infinity && p.detect_positive !== 0) || (v === -Infinity && p.detect_negative !== 0)),
  ]),

  Relu: kernel(ops.Relu, unary((v) => (v > 0 ? v : 0), (v) => (v > 0n ? v : 0n))),
  Sigmoid: kernel(ops.Sigmoid, unary(sigmoid)),
  Tanh: kernel(ops.Tanh, unary(Math.tanh)),
  HardSigmoid: kernel(ops.HardSigmoid, (inputs, p) => [mapUnary(tensorAt(inputs, 0), (v) => Math.max(0, Math.min(1, p.alpha * v + p.beta)))]),
  HardSwish: kernel(ops.HardSwish, unary((v) => v * Math.max(0, Math.min(1, v / 6 + 0.5)))),
  LeakyRelu: kernel(ops.LeakyRelu, (inputs, p) => [mapUnary(tensorAt(inputs, 0), (v) => (v < 0 ? p.alpha * v : v))]),
  Elu: kernel(ops.Elu, (inputs, p) => [mapUnary(tensorAt(inputs, 0), (v) => (v < 0 ? p.alpha * Math.expm1(v) : v))]),
  Selu: kernel(ops.Selu, (inputs, p) => [
    mapUnary(tensorAt(inputs, 0), (v) => (v > 0 ? p.gamma * v : p.gamma * p.alpha * Math.expm1(v))),
  ]),
  Celu: kernel(ops.Celu, (inputs, p) => [
    mapUnary(tensorAt(inputs, 0), (v) => Math.max(0, v) + Math.min(0, p.alpha * Math.expm1(v / p.alpha))),
  ]),
  Softplus: kernel(ops.Softplus, unary(softplus)),
  Softsign: kernel(ops.Softsign, unary((v) => v / (1 + Math.abs(v)))),
  Mish: kernel(ops.Mish, unary((v) => v * Math.tanh(softplus(v)))),
  Gelu: kernel(ops.Gelu, (inputs, p) => [
    mapUnary(
      tensorAt(inputs, 0),
      p.approximate === 'tanh'
        ? (v) => 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)))
        : (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)),
    ),
  ]),
  Swish: kernel(ops.Swish, (inputs, p) => [mapUnary(tensorAt(inputs, 0), (v) => v * sigmoid(p.alpha * v))]),
  ThresholdedRelu: kernel(ops.ThresholdedRelu, (inputs, p) => [mapUnary(tensorAt(inputs, 0), (v) => (v > p.alpha ? v : 0))]),
  Shrink: kernel(ops.Shrink, (inputs, p) => [
    mapUnary(tensorAt(inputs, 0), (v) => (v < -p.lambd ? v + p.bias : v > p.lambd ? v - p.bias : 0)),
  ]),
};
