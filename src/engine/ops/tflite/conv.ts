/**
 * TFLite convolutions and pooling, in NHWC with OHWI filters (depthwise: 1HWO; transposed: OHWI).
 *
 * Quantized kernels get one int32 multiplier and shift per output channel (TFLite's
 * PopulateConvolutionQuantizationParams: real = input_scale * filter_scale[c] / output_scale in double;
 * uint8 models use the legacy per-tensor multiplier, where the scale product is a float32), the input,
 * filter and output offsets, and the integer clamp range of the fused activation. `wide` selects the
 * 16x8 path: int64 accumulators and TFLite's 64-bit MultiplyByQuantizedMultiplier.
 */
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, type OpContext } from '../schema.js';
import { concrete, product } from '../shape-utils.js';
import {
  checkElements, convAttrs, floatActRange, outSize, padBefore, quantActRange, quantAttrs, quantOf, quantizeMultiplier, scalarQuant, tfl,
} from './common.js';

export type ConvMode = 'float' | 'int' | 'hybrid';

/** How a conv-like op turns accumulators into outputs. */
export interface Requant {
  readonly mode: ConvMode;
  /** Clamp range: floats for 'float'/'hybrid', integers for 'int'. */
  readonly actMin: number;
  readonly actMax: number;
  /** Fused TANH / SIGN_BIT (float only), applied after the clamp. */
  readonly act: number;
  readonly inOffset: number;
  readonly filterOffset: number;
  readonly outOffset: number;
  readonly mult: Int32Array;
  readonly shift: Int32Array;
  readonly wide: boolean;
  /** 'hybrid': per-output-channel filter scales and zero points (float input, integer weights). */
  readonly filterScale: Float64Array;
  readonly filterZp: Float64Array;
}

export interface ConvParams extends Requant {
  readonly n: number; readonly ih: number; readonly iw: number; readonly ic: number;
  readonly oh: number; readonly ow: number; readonly oc: number;
  readonly kh: number; readonly kw: number; readonly kc: number;
  readonly sh: number; readonly sw: number; readonly dh: number; readonly dw: number;
  readonly padT: number; readonly padL: number;
  /** Depthwise: output channels per input channel. */
  readonly depthMul: number;
}

/** Requantization for an op whose output channel c used filter channel c (per-channel or per-tensor). */
export function requantFor(ctx: OpContext<any>, dataInput: number, filterInput: number, biasInput: number, channels: number, act: number, legacyFloatProduct: boolean): Requant {
  const inType = ctx.tensor(dataInput).dtype;
  const wType = ctx.tensor(filterInput).dtype;
  const base = {
    act, inOffset: 0, filterOffset: 0, outOffset: 0, mult: new Int32Array(0), shift: new Int32Array(0), wide: false,
    filterScale: new Float64Array(0), filterZp: new Float64Array(0),
  };
  const wq = quantOf(ctx.attrs, `in${filterInput}`);
  if (inType === 'float32' || inType === 'float16') {
    const [lo, hi] = floatActRange(act);
    if (wType === 'float32' || wType === 'float16' || !wq) return { ...base, mode: 'float', actMin: lo, actMax: hi };
    const per = (c: number) => (wq.scale.length > 1 ? c : 0);
    return {
      ...base, mode: 'hybrid', actMin: lo, actMax: hi,
      filterScale: Float64Array.from({ length: channels }, (_, c) => wq.scale[per(c)]!),
      filterZp: Float64Array.from({ length: channels }, (_, c) => wq.zp[per(c)]!),
    };
  }
  const xq = scalarQuant(ctx.attrs, `in${dataInput}`);
  const yq = scalarQuant(ctx.attrs, 'out0');
  if (!xq || !yq || !wq) return ctx.fail(`quantized ${inType} input needs quantization parameters on the input, filter and output`, 'E_TYPE_UNSUPPORTED');
  const outType = ctx.tensor(dataInput).dtype;
  const [actMin, actMax] = quantActRange(act, outType, yq.scale, yq.zp);
  const mult = new Int32Array(channels);
  const shift = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    const fs = wq.scale[wq.scale.length > 1 ? c : 0]!;
    const real = legacyFloatProduct || inType === 'uint8' ? Math.fround(xq.scale * fs) / yq.scale : (xq.scale * fs) / yq.scale;
    [mult[c], shift[c]] = quantizeMultiplier(real);
  }
  const biasType = ctx.has(biasInput) ? ctx.tensor(biasInput).dtype : 'int64';
  return {
    ...base, mode: 'int', actMin, actMax, inOffset: -xq.zp, filterOffset: wType === 'uint8' ? -wq.zp[0]! : 0, outOffset: yq.zp, mult, shift,
    wide: inType === 'int16' && biasType === 'int64',
  };
}

const poolAttrs = { ...convAttrs, filter_width: attr.int(1), filter_height: attr.int(1), ...quantAttrs('in0', 'out0') };
const convOpAttrs = {
  ...convAttrs, dilation_w_factor: attr.int(1), dilation_h_factor: attr.int(1), depth_multiplier: attr.int(1),
  ...quantAttrs('in0', 'in1', 'in2', 'out0'),
};

function spatial(ctx: OpContext<any>, x: readonly Dim[], kh: Dim, kw: Dim): [Dim, Dim] {
  const a = ctx.attrs;
  const o = (size: Dim, k: Dim, s: number, d: number): Dim =>
    (typeof size === 'number' && typeof k === 'number' ? outSize(a.padding, size, k, s, d) : freshDim());
  return [o(x[1]!, kh, a.stride_h, a.dilation_h_factor ?? 1), o(x[2]!, kw, a.stride_w, a.dilation_w_factor ?? 1)];
}

function rank4(ctx: OpContext<any>, i: number, what: string): readonly Dim[] {
  const s = ctx.shape(i);
  if (s.length !== 4) ctx.fail(`${what} must be 4-D, got rank ${s.length}`, 'E_SHAPE_MISMATCH');
  return s;
}

const outDType = (ctx: OpContext<any>) => (ctx.tensor(0).dtype === 'float16' ? 'float32' : ctx.tensor(0).dtype);

function convParams(ctx: OpContext<any>, depthwise: boolean): ConvParams {
  const a = ctx.attrs;
  const [n, ih, iw, ic] = concrete(rank4(ctx, 0, 'input'));
  const [f0, kh, kw, f3] = concrete(rank4(ctx, 1, 'filter'));
  const oc = depthwise ? f3! : f0!;
  const kc = depthwise ? 1 : f3!;
  if (!depthwise && (kc <= 0 || ic! % kc !== 0 || oc % (ic! / kc) !== 0)) ctx.fail(`filter depth ${kc} does not divide input channels ${ic}`, 'E_SHAPE_MISMATCH');
  if (depthwise && (ic! <= 0 || oc % ic! !== 0)) ctx.fail(`depthwise filter channels ${oc} are not a multiple of input channels ${ic}`, 'E_SHAPE_MISMATCH');
  const sh = a.stride_h, sw = a.stride_w, dh = a.dilation_h_factor, dw = a.dilation_w_factor;
  if (!(sh > 0 && sw > 0 && dh > 0 && dw > 0)) ctx.fail(`strides and dilations must be positive`);
  const oh = outSize(a.padding, ih!, kh!, sh, dh);
  const ow = outSize(a.padding, iw!, kw!, sw, dw);
  return {
    ...requantFor(ctx, 0, 1, 2, oc, a.fused_activation_function, false),
    n: n!, ih: ih!, iw: iw!, ic: ic!, oh, ow, oc, kh: kh!, kw: kw!, kc, sh, sw, dh, dw,
    padT: padBefore(sh, dh, ih!, kh!, oh), padL: padBefore(sw, dw, iw!, kw!, ow), depthMul: depthwise ? oc / ic! : 1,
  };
}

const CONV_2D = tfl({
  attrs: convOpAttrs, inputs: [2, 3],
  infer: (ctx) => {
    const x = rank4(ctx, 0, 'input');
    const w = rank4(ctx, 1, 'filter');
    const [oh, ow] = spatial(ctx, x, w[1]!, w[2]!);
    return [tensorType(outDType(ctx), [x[0]!, oh, ow, w[0]!])];
  },
  params: (ctx) => convParams(ctx, false),
});

const DEPTHWISE_CONV_2D = tfl({
  attrs: convOpAttrs, inputs: [2, 3],
  infer: (ctx) => {
    const x = rank4(ctx, 0, 'input');
    const w = rank4(ctx, 1, 'filter');
    const [oh, ow] = spatial(ctx, x, w[1]!, w[2]!);
    return [tensorType(outDType(ctx), [x[0]!, oh, ow, w[3]!])];
  },
  params: (ctx) => convParams(ctx, true),
});

export interface TransposeConvParams extends Requant {
  readonly n: number; readonly ih: number; readonly iw: number; readonly ic: number;
  readonly oh: number; readonly ow: number; readonly oc: number; readonly kh: number; readonly kw: number;
  readonly sh: number; readonly sw: number; readonly padT: number; readonly padL: number;
}

/** TRANSPOSE_CONV: inputs (output_shape, weights OHWI, input NHWC, bias?). */
const TRANSPOSE_CONV = tfl({
  attrs: { ...convAttrs, ...quantAttrs('in1', 'in2', 'in3', 'out0') }, inputs: [3, 4],
  infer: (ctx) => {
    const shape = ctx.value(0);
    const dims: Dim[] = shape ? Array.from(shape.data as Int32Array, Number) : [ctx.shape(2)[0]!, freshDim(), freshDim(), ctx.shape(1)[0]!];
    if (dims.length !== 4) ctx.fail(`output_shape must have 4 entries, got ${dims.length}`, 'E_SHAPE_MISMATCH');
    return [tensorType(ctx.tensor(2).dtype === 'float16' ? 'float32' : ctx.tensor(2).dtype, dims)];
  },
  params: (ctx): TransposeConvParams => {
    const a = ctx.attrs;
    const [n, ih, iw, ic] = concrete(rank4(ctx, 2, 'input'));
    const [oc, kh, kw, kc] = concrete(rank4(ctx, 1, 'weights'));
    const out = checkElements(concrete((ctx.outputs[0] as { shape: readonly Dim[] }).shape));
    if (kc !== ic || out[3] !== oc || out[0] !== n) ctx.fail(`weights [${[oc, kh, kw, kc]}] do not fit input [${[n, ih, iw, ic]}] and output [${out}]`, 'E_SHAPE_MISMATCH');
    if (!(a.stride_h > 0 && a.stride_w > 0)) ctx.fail('strides must be positive');
    const [oh, ow] = [out[1]!, out[2]!];
    const tmpH = outSize(a.padding, oh, kh!, a.stride_h);
    const tmpW = outSize(a.padding, ow, kw!, a.stride_w);
    return {
      ...requantFor(ctx, 2, 1, 3, oc!, a.fused_activation_function, false),
      n: n!, ih: ih!, iw: iw!, ic: ic!, oh, ow, oc: oc!, kh: kh!, kw: kw!, sh: a.stride_h, sw: a.stride_w,
      padT: padBefore(a.stride_h, 1, oh, kh!, tmpH), padL: padBefore(a.stride_w, 1, ow, kw!, tmpW),
    };
  },
});

export interface FullyConnectedParams extends Requant { readonly batch: number; readonly depth: number; readonly units: number; readonly outDims: readonly number[] }

const FULLY_CONNECTED = tfl({
  attrs: { fused_activation_function: attr.int(0), keep_num_dims: attr.int(0), weights_format: attr.int(0), ...quantAttrs('in0', 'in1', 'in2', 'out0') },
  inputs: [2, 3],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const w = ctx.shape(1);
    if (w.length !== 2) ctx.fail(`weights must be 2-D, got rank ${w.length}`, 'E_SHAPE_MISMATCH');
    const units = w[0]!;
    const depth = w[1]!;
    const total = x.every((d) => typeof d === 'number') && typeof depth === 'number' ? product(x as number[]) / depth : freshDim();
    const shape = ctx.attrs.keep_num_dims ? [...x.slice(0, -1), units] : [total, units];
    return [tensorType(outDType(ctx), shape)];
  },
  params: (ctx): FullyConnectedParams => {
    if (ctx.attrs.weights_format !== 0) ctx.fail('shuffled FULLY_CONNECTED weights are not supported', 'E_TYPE_UNSUPPORTED');
    const x = concrete(ctx.shape(0));
    const [units, depth] = concrete(ctx.shape(1));
    const size = product(x);
    if (!(depth! > 0) || size % depth! !== 0) ctx.fail(`input of ${size} elements is not a whole number of rows of ${depth}`, 'E_SHAPE_MISMATCH');
    const perChannel = (quantOf(ctx.attrs, 'in1')?.scale.length ?? 0) > 1;
    const outDims = ctx.attrs.keep_num_dims ? [...x.slice(0, -1), units!] : [size / depth!, units!];
    return { ...requantFor(ctx, 0, 1, 2, units!, ctx.attrs.fused_activation_function, !perChannel), batch: size / depth!, depth: depth!, units: units!, outDims };
  },
});

export interface PoolParams {
  readonly n: number; readonly ih: number; readonly iw: number; readonly c: number; readonly oh: number; readonly ow: number;
  readonly kh: number; readonly kw: number; readonly sh: number; readonly sw: number; readonly padT: number; readonly padL: number;
  readonly quantized: boolean; readonly actMin: number; readonly actMax: number;
}

const pool = tfl({
  attrs: poolAttrs,
  infer: (ctx) => {
    const x = rank4(ctx, 0, 'input');
    const [oh, ow] = spatial(ctx, x, ctx.attrs.filter_height, ctx.attrs.filter_width);
    return [tensorType(ctx.tensor(0).dtype, [x[0]!, oh, ow, x[3]!])];
  },
  params: (ctx): PoolParams => {
    const a = ctx.attrs;
    const [n, ih, iw, c] = concrete(rank4(ctx, 0, 'input'));
    const kh = a.filter_height, kw = a.filter_width, sh = a.stride_h, sw = a.stride_w;
    if (!(kh > 0 && kw > 0 && sh > 0 && sw > 0)) ctx.fail('filter sizes and strides must be positive');
    const oh = outSize(a.padding, ih!, kh, sh);
    const ow = outSize(a.padding, iw!, kw, sw);
    const dtype = ctx.tensor(0).dtype;
    const yq = scalarQuant(a, 'out0');
    const quantized = dtype !== 'float32';
    const [actMin, actMax] = quantized ? quantActRange(a.fused_activation_function, dtype, yq?.scale ?? 1, yq?.zp ?? 0) : floatActRange(a.fused_activation_function);
    return { n: n!, ih: ih!, iw: iw!, c: c!, oh, ow, kh, kw, sh, sw, padT: padBefore(sh, 1, ih!, kh, oh), padL: padBefore(sw, 1, iw!, kw, ow), quantized, actMin, actMax };
  },
});

export const tfliteConvOps = {
  'tflite.CONV_2D': CONV_2D,
  'tflite.DEPTHWISE_CONV_2D': DEPTHWISE_CONV_2D,
  'tflite.TRANSPOSE_CONV': TRANSPOSE_CONV,
  'tflite.FULLY_CONNECTED': FULLY_CONNECTED,
  'tflite.AVERAGE_POOL_2D': pool,
  'tflite.MAX_POOL_2D': pool,
  'tflite.L2_POOL_2D': pool,
};
