/** Reference kernels: TFLite elementwise unary ops, activations, QUANTIZE and DEQUANTIZE. */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { fromNumbers, toNumbers } from '../../engine/elements.js';
import { tfliteUnaryOps as ops, UNARY_OPS, type QuantizeParams, type UnaryParams } from '../../engine/ops/tflite/unary.js';
import { Tensor } from '../../engine/tensor.js';
import { clamp, mbqm } from './fixedpoint.js';
import { erf } from './math.js';
import { integerTensor, intRange, roundHalfAway } from './util.js';

/** Round half to even, as TFLite's ROUND does. */
function roundEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d < 0.5 || (d === 0.5 && f % 2 === 0) ? f : f + 1;
}

/** The function each op applies to one (float32) value. */
function fn(op: string, p: UnaryParams): (x: number) => number {
  const f = Math.fround;
  switch (op) {
    case 'RELU': return (x) => (x > 0 ? x : 0);
    case 'RELU6': return (x) => clamp(x, 0, 6);
    case 'RELU_N1_TO_1': return (x) => clamp(x, -1, 1);
    case 'RELU_0_TO_1': return (x) => clamp(x, 0, 1);
    case 'LEAKY_RELU': return (x) => (x > 0 ? x : f(p.alpha * x));
    case 'HARD_SWISH': return (x) => x * clamp(x + 3, 0, 6) / 6;
    case 'LOGISTIC': case 'STABLEHLO_LOGISTIC': return (x) => 1 / (1 + Math.exp(-x));
    case 'TANH': case 'STABLEHLO_TANH': return Math.tanh;
    case 'ELU': return (x) => (x < 0 ? Math.expm1(x) : x);
    case 'GELU': return p.approximate
      ? (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))
      : (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'EXP': case 'STABLEHLO_EXPONENTIAL': return Math.exp;
    case 'LOG': case 'STABLEHLO_LOG': return Math.log;
    case 'SQRT': return Math.sqrt;
    case 'RSQRT': case 'STABLEHLO_RSQRT': return (x) => 1 / Math.sqrt(x);
    case 'SQUARE': return (x) => x * x;
    case 'ABS': case 'STABLEHLO_ABS': return Math.abs;
    case 'NEG': case 'STABLEHLO_NEGATE': return (x) => -x;
    case 'SIN': return Math.sin;
    case 'COS': case 'STABLEHLO_COSINE': return Math.cos;
    case 'FLOOR': case 'STABLEHLO_FLOOR': return Math.floor;
    case 'CEIL': return Math.ceil;
    case 'ROUND': return roundEven;
    case 'SIGN': return (x) => (Number.isNaN(x) ? NaN : Math.sign(x) + 0);
    case 'LOGICAL_NOT': return (x) => Number(x === 0);
    case 'ZEROS_LIKE': return () => 0;
    case 'STABLEHLO_CBRT': return Math.cbrt;
    default: return (x) => x;
  }
}

function unary(op: string, x: Tensor, p: UnaryParams): Tensor {
  const v = toNumbers(x);
  const out = new Float64Array(v.length);
  const f = fn(op, p);
  switch (p.mode) {
    case 'relu':
      for (let i = 0; i < v.length; i++) out[i] = clamp(p.outZp + mbqm(v[i]! - p.inZp, p.m1, p.s1), p.qmin, p.qmax);
      return integerTensor(x.type, out, x.dims);
    case 'leaky':
      for (let i = 0; i < v.length; i++) {
        const d = v[i]! - p.inZp;
        out[i] = clamp(p.outZp + (d >= 0 ? mbqm(d, p.m1, p.s1) : mbqm(d, p.m2, p.s2)), p.qmin, p.qmax);
      }
      return integerTensor(x.type, out, x.dims);
    case 'lut': {
      // TFLite LUTPopulate, in float32: round(f(s_in * (q - zp_in)) * (1 / s_out)) + zp_out, clamped.
      const inv = Math.fround(1 / p.outScale);
      const cache = new Map<number, number>();
      for (let i = 0; i < v.length; i++) {
        let r = cache.get(v[i]!);
        if (r === undefined) {
          const y = Math.fround(f(Math.fround(p.inScale * (v[i]! - p.inZp))));
          r = clamp(roundHalfAway(Math.fround(y * inv)) + p.outZp, p.qmin, p.qmax);
          if (Number.isNaN(r)) r = p.outZp;
          cache.set(v[i]!, r);
        }
        out[i] = r;
      }
      return integerTensor(x.type, out, x.dims);
    }
    case 'int':
      for (let i = 0; i < v.length; i++) out[i] = Math.trunc(f(v[i]!));
      return fromNumbers(x.type, out, x.dims);
    default:
      for (let i = 0; i < v.length; i++) out[i] = f(v[i]!);
      return fromNumbers(p.outType, out, x.dims);
  }
}

function quantizeKernel(x: Tensor, p: QuantizeParams): Tensor {
  const v = toNumbers(x);
  const out = new Float64Array(v.length);
  const ch = (i: number) => (p.axisSize === 1 ? 0 : Math.floor(i / p.inner) % p.axisSize);
  if (p.mode === 'dequant') {
    for (let i = 0; i < v.length; i++) out[i] = Math.fround(p.scale[ch(i)]! * (v[i]! - p.zp[ch(i)]!));
    return new Tensor('float32', Float32Array.from(out), x.dims);
  }
  const [lo, hi] = intRange(p.outType);
  if (p.mode === 'affine') {
    for (let i = 0; i < v.length; i++) {
      const q = roundHalfAway(Math.fround(v[i]! / p.scale[ch(i)]!)) + p.zp[ch(i)]!;
      out[i] = Number.isNaN(q) ? p.zp[ch(i)]! : clamp(q, lo, hi);
    }
  } else {
    for (let i = 0; i < v.length; i++) out[i] = clamp(mbqm((v[i]! - p.inZp) | 0, p.mult, p.shift) + p.zp[0]!, lo, hi);
  }
  return integerTensor(p.outType, out, x.dims);
}

export const tfliteUnaryKernels: KernelMap = {
  ...Object.fromEntries(UNARY_OPS.map((op) => [`tflite.${op}`, kernel(ops[`tflite.${op}`], (inputs, p) => [unary(op, inputs[0] as Tensor, p)])])),
  'tflite.QUANTIZE': kernel(ops['tflite.QUANTIZE'], (inputs, p) => [quantizeKernel(inputs[0] as Tensor, p)]),
  'tflite.DEQUANTIZE': kernel(ops['tflite.DEQUANTIZE'], (inputs, p) => [quantizeKernel(inputs[0] as Tensor, p)]),
};
