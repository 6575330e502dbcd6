/** Reference kernels: quant ops (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear). */
import { kernel, type KernelMap } from '../engine/backend.js';
import { fromNumbers, toNumbers } from '../engine/elements.js';
import { DTYPES, type DType } from '../engine/ir/dtype.js';
import { bfloat16ToNumber, float16ToNumber, numberToBfloat16, numberToFloat16 } from '../engine/ir/minifloat.js';
import { quantOps as ops, type QuantGranularity } from '../engine/ops/quant.js';
import type { Tensor } from '../engine/tensor.js';

/** Round half to even. */
export function rint(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** A function rounding a double to the nearest value of a float type (identity for float64). */
export function roundingTo(t: DType): (x: number) => number {
  switch (t) {
    case 'float32': return Math.fround;
    case 'float16': return (x) => float16ToNumber(numberToFloat16(x));
    case 'bfloat16': return (x) => bfloat16ToNumber(numberToBfloat16(x));
    default: return (x) => x;
  }
}

/** Integer range of a quantized integer type. */
export function intRange(t: DType): [number, number] {
  const info = DTYPES[t];
  return info.kind === 'int' ? [-(2 ** (info.bits - 1)), 2 ** (info.bits - 1) - 1] : [0, 2 ** info.bits - 1];
}

/** For each element of the input, the index of its scale / zero point. */
function scaleIndex(g: QuantGranularity): Int32Array {
  const n = g.dims.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(n);
  if (g.mode === 'tensor') return idx;
  const inner = g.dims.slice(g.axis + 1).reduce((a, b) => a * b, 1);
  const d = g.dims[g.axis]!;
  if (g.mode === 'axis') {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(i / inner) % d;
    return idx;
  }
  const sd = Math.ceil(d / g.blockSize);
  for (let i = 0; i < n; i++) {
    const outer = Math.floor(i / (inner * d));
    const a = Math.floor(i / inner) % d;
    const k = i % inner;
    idx[i] = (outer * sd + Math.floor(a / g.blockSize)) * inner + k;
  }
  return idx;
}

export const quantKernels: KernelMap = {
  QuantizeLinear: kernel(ops.QuantizeLinear, (inputs, p) => {
    const x = toNumbers(inputs[0] as Tensor);
    const s = toNumbers(inputs[1] as Tensor);
    const zpT = inputs[2] as Tensor | undefined;
    const z = zpT ? toNumbers(zpT) : new Float64Array(s.length);
    const idx = scaleIndex(p);
    const round = roundingTo(p.precision);
    const out = new Float64Array(x.length);
    const isInt = DTYPES[p.outType].kind === 'int' || DTYPES[p.outType].kind === 'uint';
    if (isInt) {
      const [lo, hi] = intRange(p.outType);
      for (let i = 0; i < x.length; i++) {
        const q = rint(round(x[i]! / s[idx[i]!]!)) + z[idx[i]!]!;
        // NaN quantizes to 0 + zero point's clamp of NaN: follow C casts, giving the range's low end.
        out[i] = Number.isNaN(q) ? 0 : Math.min(hi, Math.max(lo, q));
      }
      return [fromNumbers(p.outType, out, p.dims)];
    }
    for (let i = 0; i < x.length; i++) out[i] = round(x[i]! / s[idx[i]!]!) + z[idx[i]!]!;
    return [fromNumbers(p.outType, out, p.dims, { saturate: p.saturate })];
  }),

  DequantizeLinear: kernel(ops.DequantizeLinear, (inputs, p) => {
    const x = toNumbers(inputs[0] as Tensor);
    const s = toNumbers(inputs[1] as Tensor);
    const zpT = inputs[2] as Tensor | undefined;
    const z = zpT ? toNumbers(zpT) : new Float64Array(s.length);
    const idx = scaleIndex(p);
    const out = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i]! - z[idx[i]!]!) * s[idx[i]!]!;
    return [fromNumbers(p.outType, out, p.dims)];
  }),

  DynamicQuantizeLinear: kernel(ops.DynamicQuantizeLinear, (inputs, p) => {
    const xt = inputs[0] as Tensor;
    const x = toNumbers(xt);
    // float32 arithmetic throughout, as the spec's function body does. NaNs are left out of the range
    // (and quantize to 0).
    const f = Math.fround;
    let max = 0;
    let min = 0;
    for (const v of x) {
      if (v > max) max = v;
      if (v < min) min = v;
    }
    max = f(max);
    min = f(min);
    const scale = max === min ? 1 : f(f(max - min) / 255);
    const zp = rint(Math.min(255, Math.max(0, f(0 - f(min / scale)))));
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = Math.min(255, Math.max(0, rint(f(x[i]! / scale)) + zp));
    return [
      fromNumbers('uint8', y, xt.dims),
      fromNumbers(p.dtype, [scale], []),
      fromNumbers('uint8', [zp], []),
    ];
  }),
};
