/**
 * Reference kernels: TFLite convolutions, fully-connected and pooling, in NHWC. Integer paths follow
 * TFLite's reference_integer_ops: accumulate (x + input_offset) * (w + filter_offset) exactly, add the
 * bias, rescale with the per-channel multiplier (64-bit variant for 16x8), add the output offset, clamp.
 * Float paths accumulate in doubles and round once to float32.
 */
import { kernel, type KernelMap } from '../../engine/backend.js';
import { toNumbers } from '../../engine/elements.js';
import type { DType } from '../../engine/ir/dtype.js';
import type { ConvParams, FullyConnectedParams, PoolParams, Requant, TransposeConvParams } from '../../engine/ops/tflite/conv.js';
import { tfliteConvOps as ops } from '../../engine/ops/tflite/conv.js';
import { Tensor } from '../../engine/tensor.js';
import { clamp, mbqm, mbqm64 } from './fixedpoint.js';

type Num = ArrayLike<number>;

/** Element values as numbers without copying when the storage already is numeric. */
export function nums(t: Tensor): Num {
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Float64Array || d instanceof Int8Array || d instanceof Int16Array || d instanceof Int32Array
    || (d instanceof Uint8Array && t.type === 'uint8') || (d instanceof Uint16Array && t.type === 'uint16') || d instanceof Uint32Array) return d;
  return toNumbers(t);
}

/** Turns raw accumulators into output values. */
export function finisher(p: Requant, bias: Num | undefined): (acc: number, c: number) => number {
  if (p.mode !== 'int') {
    return (acc, c) => {
      let v = clamp(acc + (bias ? bias[c]! : 0), p.actMin, p.actMax);
      if (p.act === 4) v = Math.tanh(v);
      else if (p.act === 5) v = v < 0 || Object.is(v, -0) ? 1 : 0;
      return v;
    };
  }
  const { mult, shift, outOffset, actMin, actMax, wide } = p;
  return (acc, c) => {
    const a = acc + (bias ? bias[c]! : 0);
    const scaled = wide ? mbqm64(a, mult[c]!, shift[c]!) : mbqm(a | 0, mult[c]!, shift[c]!);
    return clamp(scaled + outOffset, actMin, actMax);
  };
}

/** The output tensor for a requantized result. */
export function outputTensor(p: Requant, inType: DType, values: Float64Array | number[], dims: readonly number[]): Tensor {
  if (p.mode !== 'int') return new Tensor('float32', Float32Array.from(values), dims);
  return new Tensor(inType, inType === 'int8' ? Int8Array.from(values) : inType === 'int16' ? Int16Array.from(values) : Uint8Array.from(values), dims);
}

/** Filter values as the kernel multiplies them: dequantized for hybrid ops, else raw (+ filter offset later). */
function filterValues(w: Tensor, p: Requant, channelOf: (i: number) => number): Num {
  const raw = nums(w);
  if (p.mode !== 'hybrid') return raw;
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const c = channelOf(i);
    out[i] = (raw[i]! - p.filterZp[c]!) * p.filterScale[c]!;
  }
  return out;
}

const biasOf = (t: unknown): Num | undefined => (t instanceof Tensor ? toNumbers(t) : undefined);

function conv(inputs: readonly unknown[], p: ConvParams, depthwise: boolean): Tensor[] {
  const x = inputs[0] as Tensor;
  const wt = inputs[1] as Tensor;
  const xs = nums(x);
  const per = depthwise ? 1 : p.kh * p.kw * p.kc;
  const w = filterValues(wt, p, depthwise ? (i) => i % p.oc : (i) => Math.floor(i / per));
  const finish = finisher(p, biasOf(inputs[2]));
  const { n, ih, iw, ic, oh, ow, oc, kh, kw, kc, sh, sw, dh, dw, padT, padL, inOffset, filterOffset } = p;
  const out = new Float64Array(n * oh * ow * oc);
  const ocPerGroup = depthwise ? p.depthMul : oc / (ic / kc);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let c = 0; c < oc; c++) {
          const g = Math.floor(c / ocPerGroup);
          let acc = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padT + ky * dh;
            if (iy < 0 || iy >= ih) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - padL + kx * dw;
              if (ix < 0 || ix >= iw) continue;
              const xb = ((b * ih + iy) * iw + ix) * ic;
              if (depthwise) {
                acc += (xs[xb + g]! + inOffset) * (w[(ky * kw + kx) * oc + c]! + filterOffset);
              } else {
                const wb = ((c * kh + ky) * kw + kx) * kc;
                const xg = xb + g * kc;
                for (let k = 0; k < kc; k++) acc += (xs[xg + k]! + inOffset) * (w[wb + k]! + filterOffset);
              }
            }
          }
          out[o++] = finish(acc, c);
        }
      }
    }
  }
  return [outputTensor(p, x.type, out, [n, oh, ow, oc])];
}

function transposeConv(inputs: readonly unknown[], p: TransposeConvParams): Tensor[] {
  const x = inputs[2] as Tensor;
  const xs = nums(x);
  const per = p.kh * p.kw * p.ic;
  const w = filterValues(inputs[1] as Tensor, p, (i) => Math.floor(i / per));
  const finish = finisher(p, biasOf(inputs[3]));
  const { n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, padT, padL, inOffset, filterOffset } = p;
  const acc = new Float64Array(n * oh * ow * oc);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < ih; y++) {
      for (let xx = 0; xx < iw; xx++) {
        const xb = ((b * ih + y) * iw + xx) * ic;
        for (let ky = 0; ky < kh; ky++) {
          const oy = y * sh - padT + ky;
          if (oy < 0 || oy >= oh) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ox = xx * sw - padL + kx;
            if (ox < 0 || ox >= ow) continue;
            const ob = ((b * oh + oy) * ow + ox) * oc;
            for (let c = 0; c < oc; c++) {
              const wb = ((c * kh + ky) * kw + kx) * ic;
              let s = 0;
              for (let k = 0; k < ic; k++) s += (xs[xb + k]! + inOffset) * (w[wb + k]! + filterOffset);
              acc[ob + c] = acc[ob + c]! + s;
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) acc[i] = finish(acc[i]!, i % oc);
  return [outputTensor(p, x.type, acc, [n, oh, ow, oc])];
}

function fullyConnected(inputs: readonly unknown[], p: FullyConnectedParams, outDims: readonly number[]): Tensor[] {
  const x = inputs[0] as Tensor;
  const xs = nums(x);
  const w = filterValues(inputs[1] as Tensor, p, (i) => Math.floor(i / p.depth));
  const finish = finisher(p, biasOf(inputs[2]));
  const { batch, depth, units, inOffset, filterOffset } = p;
  const out = new Float64Array(batch * units);
  for (let b = 0; b < batch; b++) {
    const xb = b * depth;
    for (let u = 0; u < units; u++) {
      const wb = u * depth;
      let acc = 0;
      for (let k = 0; k < depth; k++) acc += (xs[xb + k]! + inOffset) * (w[wb + k]! + filterOffset);
      out[b * units + u] = finish(acc, u);
    }
  }
  return [outputTensor(p, x.type, out, outDims)];
}

function pool(x: Tensor, p: PoolParams, kind: 'avg' | 'max' | 'l2'): Tensor[] {
  const xs = nums(x);
  const { n, ih, iw, c, oh, ow, kh, kw, sh, sw, padT, padL, quantized, actMin, actMax } = p;
  const out = new Float64Array(n * oh * ow * c);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const y0 = Math.max(0, oy * sh - padT);
      const y1 = Math.min(ih, oy * sh - padT + kh);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = Math.max(0, ox * sw - padL);
        const x1 = Math.min(iw, ox * sw - padL + kw);
        for (let ch = 0; ch < c; ch++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          for (let y = y0; y < y1; y++) {
            for (let xx = x0; xx < x1; xx++) {
              const v = xs[((b * ih + y) * iw + xx) * c + ch]!;
              if (kind === 'max') acc = v > acc ? v : acc;
              else acc += kind === 'l2' ? v * v : v;
              count++;
            }
          }
          let v: number;
          if (kind === 'max') v = count ? acc : 0;
          else if (kind === 'l2') v = count ? Math.sqrt(acc / count) : 0;
          else if (!quantized) v = count ? acc / count : 0;
          // Integer average: round half away from zero with C's truncating division.
          else v = count === 0 ? 0 : Math.trunc((acc > 0 ? acc + Math.trunc(count / 2) : acc - Math.trunc(count / 2)) / count);
          out[o++] = clamp(v, actMin, actMax);
        }
      }
    }
  }
  const dims = [n, oh, ow, c];
  if (!quantized) return [new Tensor('float32', Float32Array.from(out), dims)];
  return [new Tensor(x.type, x.type === 'int8' ? Int8Array.from(out) : x.type === 'int16' ? Int16Array.from(out) : Uint8Array.from(out), dims)];
}

export const tfliteConvKernels: KernelMap = {
  'tflite.CONV_2D': kernel(ops['tflite.CONV_2D'], (inputs, p) => conv(inputs, p, false)),
  'tflite.DEPTHWISE_CONV_2D': kernel(ops['tflite.DEPTHWISE_CONV_2D'], (inputs, p) => conv(inputs, p, true)),
  'tflite.TRANSPOSE_CONV': kernel(ops['tflite.TRANSPOSE_CONV'], (inputs, p) => transposeConv(inputs, p)),
  'tflite.FULLY_CONNECTED': kernel(ops['tflite.FULLY_CONNECTED'], (inputs, p) => fullyConnected(inputs, p, p.outDims)),
  'tflite.AVERAGE_POOL_2D': kernel(ops['tflite.AVERAGE_POOL_2D'], (inputs, p) => pool(inputs[0] as Tensor, p, 'avg')),
  'tflite.MAX_POOL_2D': kernel(ops['tflite.MAX_POOL_2D'], (inputs, p) => pool(inputs[0] as Tensor, p, 'max')),
  'tflite.L2_POOL_2D': kernel(ops['tflite.L2_POOL_2D'], (inputs, p) => pool(inputs[0] as Tensor, p, 'l2')),
};
