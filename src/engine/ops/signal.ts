/**
 * Signal ops: DFT, STFT, the window generators and MelWeightMatrix. Complex values are a trailing
 * dimension of 2 (real, imaginary); real signals have a trailing 1.
 */
import { isFloat, type DType } from '../ir/dtype.js';
import { freshDim, tensorType, type Dim } from '../ir/types.js';
import { dtypeAttr } from './sequence.js';
import { concrete, product } from './shape-utils.js';
import { attr, defineOp, type OpContext, type OpSchema } from './schema.js';
import type { Tensor } from '../tensor.js';

/** A scalar (or one-element) integer input's value when known; fails on a bad type or size. */
function intInput(ctx: OpContext<unknown>, i: number, name: string): number | undefined {
  const t = ctx.inputs[i];
  if (t && (t.kind !== 'tensor' || (t.dtype !== 'int32' && t.dtype !== 'int64'))) ctx.fail(`${name} must be an int32 or int64 tensor`, 'E_TYPE_UNSUPPORTED');
  const v: Tensor | undefined = ctx.value(i);
  if (!v) return undefined;
  if (v.size !== 1) ctx.fail(`${name} must be a scalar, got ${v.size} values`, 'E_INPUT_INVALID');
  return Number((v.data as Int32Array | BigInt64Array)[0]!);
}

function floatInput(ctx: OpContext<unknown>, i: number, name: string): DType {
  const t = ctx.tensor(i);
  if (!isFloat(t.dtype)) ctx.fail(`${name} must be a float tensor, got ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
  return t.dtype;
}

// ---------------------------------------------------------------- DFT

export interface DftParams {
  /** Input viewed as [outer, len, inner, channels]. */
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
  readonly channels: 1 | 2;
  /** Transform length, output length along the axis, and the output's trailing dim. */
  readonly n: number;
  readonly outLen: number;
  readonly outChannels: 1 | 2;
  readonly inverse: boolean;
  /** Inverse of a one-sided spectrum: a real signal of length n (IRFFT). */
  readonly irfft: boolean;
  readonly outDims: readonly number[];
}

interface DftPlan { axis: number | undefined; n: Dim; outLen: Dim; outChannels: 1 | 2; irfft: boolean }

function dftPlan(ctx: OpContext<{ axis: number; inverse: number; onesided: number }>): DftPlan {
  floatInput(ctx, 0, 'input');
  if (ctx.opset < 20 && ctx.has(2)) ctx.fail(`axis is an attribute before opset 20, not an input`);
  const shape = ctx.shape(0);
  const r = shape.length;
  if (r < 2) ctx.fail(`input needs a signal axis and a trailing complex axis, got rank ${r}`, 'E_SHAPE_MISMATCH');
  const c = shape[r - 1]!;
  if (typeof c === 'number' && c !== 1 && c !== 2) ctx.fail(`the last dim must be 1 (real) or 2 (complex), got ${c}`, 'E_SHAPE_MISMATCH');
  const inverse = ctx.attrs.inverse !== 0;
  const onesided = ctx.attrs.onesided !== 0;
  const irfft = inverse && onesided;
  let rawAxis: number | undefined = ctx.attrs.axis;
  if (ctx.opset >= 20) rawAxis = ctx.has(2) ? intInput(ctx, 2, 'axis') : -2;
  let axis: number | undefined;
  if (rawAxis !== undefined) {
    axis = rawAxis < 0 ? rawAxis + r : rawAxis;
    if (!(axis >= 0 && axis <= r - 2)) ctx.fail(`axis ${rawAxis} is out of range: the last of ${r} dims holds the complex parts`);
  }
  const len = axis === undefined ? undefined : shape[axis]!;
  let n: Dim;
  if (ctx.has(1)) {
    const v = intInput(ctx, 1, 'dft_length');
    if (v !== undefined && v < 1) ctx.fail(`dft_length must be positive, got ${v}`, 'E_INPUT_INVALID');
    n = v ?? freshDim();
  } else if (len === undefined || typeof len !== 'number') {
    n = freshDim();
  } else {
    n = irfft ? 2 * (len - 1) : len;
    if (n < 1) ctx.fail(`the signal axis is too short for a transform (length ${len})`, 'E_INPUT_INVALID');
  }
  const outLen = typeof n !== 'number' ? freshDim() : onesided && !inverse ? Math.floor(n / 2) + 1 : n;
  return { axis, n, outLen, outChannels: irfft ? 1 : 2, irfft };
}

const DFT = defineOp({
  since: 17,
  attrs: { axis: attr.int(1), inverse: attr.int(0), onesided: attr.int(0) },
  inputs: [1, 3],
  infer: (ctx) => {
    const plan = dftPlan(ctx);
    const shape = ctx.shape(0);
    const r = shape.length;
    const out = shape.map((d, i): Dim => (i === r - 1 ? plan.outChannels : plan.axis === undefined ? freshDim() : i === plan.axis ? plan.outLen : d));
    return [tensorType(ctx.tensor(0).dtype, out)];
  },
  params: (ctx): DftParams => {
    const plan = dftPlan(ctx);
    const dims = concrete(ctx.shape(0));
    const axis = plan.axis!;
    const r = dims.length;
    return {
      outer: product(dims, 0, axis), len: dims[axis]!, inner: product(dims, axis + 1, r - 1), channels: dims[r - 1] as 1 | 2,
      n: plan.n as number, outLen: plan.outLen as number, outChannels: plan.outChannels,
      inverse: ctx.attrs.inverse !== 0, irfft: plan.irfft,
      outDims: concrete((ctx.outputs[0] as { shape: readonly Dim[] }).shape),
    };
  },
});

// ---------------------------------------------------------------- STFT

export interface StftParams {
  readonly batch: number;
  readonly signalLen: number;
  readonly channels: 1 | 2;
  readonly step: number;
  readonly n: number;
  readonly frames: number;
  readonly bins: number;
}

function stftPlan(ctx: OpContext<{ onesided: number }>): { step?: number; n?: number; frames: Dim; bins: Dim } {
  floatInput(ctx, 0, 'signal');
  const shape = ctx.shape(0);
  if (shape.length !== 3) ctx.fail(`signal must be [batch, length, 1 or 2], got rank ${shape.length}`, 'E_SHAPE_MISMATCH');
  const c = shape[2]!;
  if (typeof c === 'number' && c !== 1 && c !== 2) ctx.fail(`the signal's last dim must be 1 (real) or 2 (complex), got ${c}`, 'E_SHAPE_MISMATCH');
  const onesided = ctx.attrs.onesided !== 0;
  if (onesided && c === 2) ctx.fail(`onesided output needs a real signal`, 'E_INPUT_INVALID');
  const step = intInput(ctx, 1, 'frame_step');
  if (step !== undefined && step < 1) ctx.fail(`frame_step must be positive, got ${step}`, 'E_INPUT_INVALID');
  let n: number | undefined;
  let known = false;
  if (ctx.has(2)) {
    const w = ctx.shape(2);
    if (w.length !== 1) ctx.fail(`window must be 1-D, got rank ${w.length}`, 'E_SHAPE_MISMATCH');
    if (typeof w[0] === 'number') n = w[0];
    known = true;
  }
  if (ctx.has(3)) {
    const fl = intInput(ctx, 3, 'frame_length');
    if (fl !== undefined && n !== undefined && fl !== n) ctx.fail(`frame_length ${fl} differs from the window length ${n}`, 'E_SHAPE_MISMATCH');
    n = fl ?? n;
    known = true;
  }
  if (!known) ctx.fail(`STFT needs a window or a frame_length`);
  if (n !== undefined && n < 1) ctx.fail(`frame length must be positive, got ${n}`, 'E_INPUT_INVALID');
  const len = shape[1]!;
  let frames: Dim = freshDim();
  if (typeof len === 'number' && step !== undefined && n !== undefined) {
    if (n > len) ctx.fail(`frame length ${n} is longer than the signal (${len})`, 'E_INPUT_INVALID');
    frames = Math.floor((len - n) / step) + 1;
  }
  const bins: Dim = n === undefined ? freshDim() : onesided ? Math.floor(n / 2) + 1 : n;
  return { step, n, frames, bins };
}

const STFT = defineOp({
  since: 17,
  attrs: { onesided: attr.int(1) },
  inputs: [2, 4],
  infer: (ctx) => {
    const p = stftPlan(ctx);
    const shape = ctx.shape(0);
    return [tensorType(ctx.tensor(0).dtype, [shape[0]!, p.frames, p.bins, 2])];
  },
  params: (ctx): StftParams => {
    const p = stftPlan(ctx);
    const dims = concrete(ctx.shape(0));
    return {
      batch: dims[0]!, signalLen: dims[1]!, channels: dims[2] as 1 | 2, step: p.step!, n: p.n!,
      frames: p.frames as number, bins: p.bins as number,
    };
  },
});

// ---------------------------------------------------------------- windows

export interface WindowParams { readonly size: number; readonly periodic: boolean; readonly dtype: DType }

const windowOp = () => defineOp({
  since: 17,
  attrs: { output_datatype: attr.int(1), periodic: attr.int(1) },
  infer: (ctx) => {
    const size = intInput(ctx, 0, 'size');
    if (size !== undefined && size < 0) ctx.fail(`size must not be negative, got ${size}`, 'E_INPUT_INVALID');
    return [tensorType(dtypeAttr(ctx, ctx.attrs.output_datatype, 'output_datatype'), [size ?? freshDim()])];
  },
  params: (ctx): WindowParams => ({
    size: intInput(ctx, 0, 'size')!, periodic: ctx.attrs.periodic !== 0, dtype: dtypeAttr(ctx, ctx.attrs.output_datatype, 'output_datatype'),
  }),
});

// ---------------------------------------------------------------- MelWeightMatrix

export interface MelParams { readonly numMelBins: number; readonly dftLength: number; readonly sampleRate: number; readonly dtype: DType }

const MelWeightMatrix = defineOp({
  since: 17,
  attrs: { output_datatype: attr.int(1) },
  inputs: [5, 5],
  infer: (ctx) => {
    const mel = intInput(ctx, 0, 'num_mel_bins');
    const dft = intInput(ctx, 1, 'dft_length');
    intInput(ctx, 2, 'sample_rate');
    if (mel !== undefined && mel < 1) ctx.fail(`num_mel_bins must be positive, got ${mel}`, 'E_INPUT_INVALID');
    if (dft !== undefined && dft < 1) ctx.fail(`dft_length must be positive, got ${dft}`, 'E_INPUT_INVALID');
    floatInput(ctx, 3, 'lower_edge_hertz');
    floatInput(ctx, 4, 'upper_edge_hertz');
    const dtype = dtypeAttr(ctx, ctx.attrs.output_datatype, 'output_datatype');
    return [tensorType(dtype, [dft === undefined ? freshDim() : Math.floor(dft / 2) + 1, mel ?? freshDim()])];
  },
  params: (ctx): MelParams => {
    const sampleRate = intInput(ctx, 2, 'sample_rate')!;
    if (sampleRate < 1) ctx.fail(`sample_rate must be positive, got ${sampleRate}`, 'E_INPUT_INVALID');
    return {
      numMelBins: intInput(ctx, 0, 'num_mel_bins')!, dftLength: intInput(ctx, 1, 'dft_length')!, sampleRate,
      dtype: dtypeAttr(ctx, ctx.attrs.output_datatype, 'output_datatype'),
    };
  },
});

export const signalOps = {
  DFT, STFT, HannWindow: windowOp(), HammingWindow: windowOp(), BlackmanWindow: windowOp(), MelWeightMatrix,
} satisfies Record<string, OpSchema<any, any>>;
