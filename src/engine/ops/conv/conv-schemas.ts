/** Convolution schemas: Conv, ConvInteger, QLinearConv, ConvTranspose, DeformConv, Col2Im, CausalConvWithState. */
import { toIntList } from '../../elements.js';
import type { DType } from '../../ir/dtype.js';
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete } from '../shape-utils.js';
import { FLOAT_TYPES, resolveWindow, windowGeometry, windowOutDims, type Geometry, type WindowAttrs } from './geometry.js';

/** What every convolution kernel receives. */
export interface ConvParams {
  readonly batch: number;
  readonly inC: number;
  readonly outC: number;
  readonly group: number;
  readonly geo: Geometry;
  readonly outType: DType;
}

const convAttrs = {
  auto_pad: attr.string('NOTSET'),
  dilations: attr.ints(),
  group: attr.int(1),
  kernel_shape: attr.ints(),
  pads: attr.ints(),
  strides: attr.ints(),
};
type ConvAttrs = WindowAttrs & { readonly group: number };

const eq = (a: Dim, b: Dim) => typeof a !== 'number' || typeof b !== 'number' || a === b;

/** Shared checks of X [N, C, D1…] and W [M, C/group, k1…]; returns the output shape. */
function convShape(ctx: OpContext<ConvAttrs>, x: number, w: number, transposed = false): Dim[] {
  const xs = ctx.shape(x);
  const ws = ctx.shape(w);
  if (xs.length < 3) ctx.fail(`X must have rank >= 3 (N, C, spatial…), got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  if (ws.length !== xs.length) ctx.fail(`W has rank ${ws.length}, X has rank ${xs.length}`, 'E_SHAPE_MISMATCH');
  const g = ctx.attrs.group;
  if (!(Number.isInteger(g) && g >= 1)) ctx.fail(`group must be a positive integer, got ${g}`);
  const win = resolveWindow(ctx, ctx.attrs, xs.length - 2, ws.slice(2));
  if (transposed) return [];
  const c = xs[1]!;
  const m = ws[0]!;
  if (typeof c === 'number' && typeof ws[1] === 'number' && c !== ws[1] * g) {
    ctx.fail(`X has ${c} channels, W expects ${ws[1]} x group ${g}`, 'E_SHAPE_MISMATCH');
  }
  if (typeof m === 'number' && m % g !== 0) ctx.fail(`W has ${m} output channels, not a multiple of group ${g}`, 'E_SHAPE_MISMATCH');
  return [xs[0]!, m, ...windowOutDims(ctx, xs.slice(2), win)];
}

function convParams(ctx: OpContext<ConvAttrs>, x: number, w: number, outType: DType): ConvParams {
  const xs = concrete(ctx.shape(x));
  const ws = concrete(ctx.shape(w));
  const win = resolveWindow(ctx, ctx.attrs, xs.length - 2, ws.slice(2));
  for (let i = 0; i < win.kernel.length; i++) {
    if (win.kernel[i] !== ws[i + 2]) ctx.fail(`kernel_shape [${win.kernel.join(',')}] does not match W dims [${ws.join(',')}]`, 'E_SHAPE_MISMATCH');
  }
  return { batch: xs[0]!, inC: xs[1]!, outC: ws[0]!, group: ctx.attrs.group, geo: windowGeometry(ctx, xs.slice(2), win), outType };
}

function checkFloat(ctx: OpContext<unknown>, ...idx: number[]): DType {
  const t = ctx.tensor(idx[0]!).dtype;
  if (!FLOAT_TYPES.has(t)) ctx.fail(`expects a float tensor, got ${t}`, 'E_TYPE_UNSUPPORTED');
  for (const i of idx.slice(1)) {
    if (ctx.has(i) && ctx.tensor(i).dtype !== t) ctx.fail(`input ${i} is ${ctx.tensor(i).dtype}, input ${idx[0]} is ${t}`, 'E_TYPE_UNSUPPORTED');
  }
  return t;
}

function checkBias(ctx: OpContext<unknown>, b: number, m: Dim): void {
  if (!ctx.has(b)) return;
  const bs = ctx.shape(b);
  if (bs.length !== 1 || !eq(bs[0]!, m)) ctx.fail(`B must be 1-D of size ${m}, got [${bs.join(',')}]`, 'E_SHAPE_MISMATCH');
}

const Conv = defineOp({
  attrs: convAttrs,
  inputs: [2, 3],
  infer: (ctx) => {
    const t = checkFloat(ctx, 0, 1, 2);
    const out = convShape(ctx, 0, 1);
    checkBias(ctx, 2, out[1]!);
    return [tensorType(t, out)];
  },
  params: (ctx): ConvParams => convParams(ctx, 0, 1, ctx.tensor(0).dtype),
});

const INT8 = new Set<DType>(['int8', 'uint8']);

function checkInt8(ctx: OpContext<unknown>, i: number, what: string): DType {
  const t = ctx.tensor(i).dtype;
  if (!INT8.has(t)) ctx.fail(`${what} must be int8 or uint8, got ${t}`, 'E_TYPE_UNSUPPORTED');
  return t;
}

/** A zero point or scale: a scalar / one-element tensor, or (where allowed) 1-D of `perChannel` values. */
function checkQuantParam(ctx: OpContext<unknown>, i: number, what: string, perChannel: Dim | undefined): void {
  if (!ctx.has(i)) return;
  const s = ctx.shape(i);
  const n = s.reduce<number | undefined>((a, d) => (a === undefined || typeof d !== 'number' ? undefined : a * d), 1);
  if (s.length === 0 || (s.length === 1 && s[0] === 1)) return;
  if (perChannel !== undefined && s.length === 1 && eq(s[0]!, perChannel)) return;
  if (n === undefined) return;
  ctx.fail(`${what} must be a scalar${perChannel !== undefined ? ` or 1-D of size ${perChannel}` : ''}, got [${s.join(',')}]`, 'E_SHAPE_MISMATCH');
}

const ConvInteger = defineOp({
  since: 10,
  attrs: convAttrs,
  inputs: [2, 4],
  infer: (ctx) => {
    const xt = checkInt8(ctx, 0, 'x');
    checkInt8(ctx, 1, 'w');
    if (ctx.has(2) && ctx.tensor(2).dtype !== xt) ctx.fail(`x_zero_point must be ${xt}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.has(3) && ctx.tensor(3).dtype !== ctx.tensor(1).dtype) ctx.fail(`w_zero_point must be ${ctx.tensor(1).dtype}`, 'E_TYPE_UNSUPPORTED');
    const out = convShape(ctx, 0, 1);
    checkQuantParam(ctx, 2, 'x_zero_point', undefined);
    checkQuantParam(ctx, 3, 'w_zero_point', out[1]);
    return [tensorType('int32', out)];
  },
  params: (ctx): ConvParams => convParams(ctx, 0, 1, 'int32'),
});

const QLinearConv = defineOp({
  since: 10,
  attrs: convAttrs,
  inputs: [8, 9],
  infer: (ctx) => {
    const xt = checkInt8(ctx, 0, 'x');
    checkInt8(ctx, 3, 'w');
    const yt = checkInt8(ctx, 7, 'y_zero_point');
    if (ctx.tensor(2).dtype !== xt) ctx.fail(`x_zero_point must be ${xt}`, 'E_TYPE_UNSUPPORTED');
    if (ctx.tensor(5).dtype !== ctx.tensor(3).dtype) ctx.fail(`w_zero_point must be ${ctx.tensor(3).dtype}`, 'E_TYPE_UNSUPPORTED');
    for (const i of [1, 4, 6]) if (!FLOAT_TYPES.has(ctx.tensor(i).dtype)) ctx.fail(`input ${i} (a scale) must be float`, 'E_TYPE_UNSUPPORTED');
    if (ctx.has(8) && ctx.tensor(8).dtype !== 'int32') ctx.fail('B must be int32', 'E_TYPE_UNSUPPORTED');
    const out = convShape(ctx, 0, 3);
    checkQuantParam(ctx, 1, 'x_scale', undefined);
    checkQuantParam(ctx, 2, 'x_zero_point', undefined);
    checkQuantParam(ctx, 4, 'w_scale', out[1]);
    checkQuantParam(ctx, 5, 'w_zero_point', out[1]);
    checkQuantParam(ctx, 6, 'y_scale', undefined);
    checkQuantParam(ctx, 7, 'y_zero_point', undefined);
    checkBias(ctx, 8, out[1]!);
    return [tensorType(yt, out)];
  },
  params: (ctx): ConvParams => convParams(ctx, 0, 3, ctx.tensor(7).dtype),
});

// ---------------------------------------------------------------- ConvTranspose

const ConvTranspose = defineOp({
  attrs: { ...convAttrs, output_padding: attr.ints(), output_shape: attr.ints() },
  inputs: [2, 3],
  infer: (ctx) => {
    const t = checkFloat(ctx, 0, 1, 2);
    const xs = ctx.shape(0);
    const ws = ctx.shape(1);
    convShape(ctx, 0, 1, true);
    const g = ctx.attrs.group;
    if (typeof xs[1] === 'number' && typeof ws[0] === 'number' && xs[1] !== ws[0]) {
      ctx.fail(`X has ${xs[1]} channels, W has ${ws[0]} input channels`, 'E_SHAPE_MISMATCH');
    }
    if (typeof xs[1] === 'number' && xs[1] % g !== 0) ctx.fail(`X channels ${xs[1]} not a multiple of group ${g}`, 'E_SHAPE_MISMATCH');
    const m = typeof ws[1] === 'number' ? ws[1] * g : freshDim();
    checkBias(ctx, 2, m);
    const spatial = xs.slice(2).map((d, i) => (typeof d === 'number' ? transposeAxis(ctx, xs.length - 2, i, d).out : freshDim()));
    return [tensorType(t, [xs[0]!, m, ...spatial])];
  },
  params: (ctx): ConvParams => {
    const xs = concrete(ctx.shape(0));
    const ws = concrete(ctx.shape(1));
    const n = xs.length - 2;
    const win = resolveWindow(ctx, ctx.attrs, n, ws.slice(2));
    const outDims: number[] = [];
    const padsBegin: number[] = [];
    const padsEnd: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = transposeAxis(ctx, n, i, xs[i + 2]!);
      outDims.push(r.out);
      padsBegin.push(r.pb);
      padsEnd.push(r.pe);
    }
    // For ConvTranspose the geometry is that of the forward conv Y -> X: "in" is the output image.
    const geo: Geometry = { inDims: outDims, outDims: xs.slice(2), kernel: win.kernel, strides: win.strides, dilations: win.dilations, padsBegin, padsEnd };
    return { batch: xs[0]!, inC: xs[1]!, outC: ws[1]! * ctx.attrs.group, group: ctx.attrs.group, geo, outType: ctx.tensor(0).dtype };
  },
});

type TransposeAttrs = ConvAttrs & { readonly output_padding: readonly number[] | undefined; readonly output_shape: readonly number[] | undefined };

/** Output size and pads of one axis of ConvTranspose (the spec's formulas; odd totals split as it says). */
function transposeAxis(ctx: OpContext<TransposeAttrs>, n: number, i: number, inSize: number): { out: number; pb: number; pe: number } {
  const a = ctx.attrs;
  const win = resolveWindow(ctx, a, n, ctx.shape(1).slice(2));
  const op = a.output_padding && a.output_padding.length ? a.output_padding : undefined;
  if (op && op.length !== n) ctx.fail(`output_padding has ${op.length} values, expected ${n}`, 'E_SHAPE_MISMATCH');
  const opad = op ? op[i]! : 0;
  const s = win.strides[i]!;
  if (!(Number.isInteger(opad) && opad >= 0)) ctx.fail(`output_padding must be non-negative integers, got [${op!.join(',')}]`);
  const ek = (win.kernel[i]! - 1) * win.dilations[i]! + 1;
  const full = s * (inSize - 1) + opad + ek;
  let os = a.output_shape && a.output_shape.length ? a.output_shape : undefined;
  if (os && os.length === n + 2) os = os.slice(2);
  if (os && os.length !== n) ctx.fail(`output_shape has ${os.length} values, expected ${n}`, 'E_SHAPE_MISMATCH');
  const same = win.autoPad === 'SAME_UPPER' || win.autoPad === 'SAME_LOWER';
  const explicitPads = a.pads !== undefined && a.pads.length > 0 && win.autoPad === 'NOTSET';
  if (os && explicitPads) return { out: os[i]!, pb: win.pads[i]!, pe: full - os[i]! - win.pads[i]! };
  if (os || same) {
    const out = os ? os[i]! : inSize * s;
    const total = full - out;
    const half = Math.floor(total / 2);
    // An output larger than the natural one (negative total) gets its extra zeros at the end, as
    // onnxruntime and the ONNX reference do.
    const pb = total < 0 ? 0 : win.autoPad === 'SAME_UPPER' ? half : total - half;
    return { out, pb, pe: total - pb };
  }
  const pb = win.pads[i]!;
  const pe = win.pads[i + n]!;
  const out = full - pb - pe;
  if (out < 0) ctx.fail(`pads ${pb}+${pe} exceed the output size ${full} on spatial axis ${i}`, 'E_SHAPE_MISMATCH');
  return { out, pb, pe };
}

// ---------------------------------------------------------------- DeformConv

export interface DeformConvParams extends ConvParams {
  readonly offsetGroup: number;
}

const DeformConv = defineOp({
  since: 19,
  attrs: { dilations: attr.ints(), group: attr.int(1), kernel_shape: attr.ints(), offset_group: attr.int(1), pads: attr.ints(), strides: attr.ints(), auto_pad: attr.string('NOTSET') },
  inputs: [3, 5],
  infer: (ctx) => {
    const t = checkFloat(ctx, 0, 1, 2, 3, 4);
    const out = convShape(ctx, 0, 1);
    checkBias(ctx, 3, out[1]!);
    const og = ctx.attrs.offset_group;
    const xs = ctx.shape(0);
    if (!(Number.isInteger(og) && og >= 1)) ctx.fail(`offset_group must be a positive integer, got ${og}`);
    if (typeof xs[1] === 'number' && xs[1] % og !== 0) ctx.fail(`X channels ${xs[1]} not a multiple of offset_group ${og}`, 'E_SHAPE_MISMATCH');
    const k = resolveWindow(ctx, ctx.attrs, xs.length - 2, ctx.shape(1).slice(2)).kernel;
    const kk = k.reduce((p, v) => p * v, 1);
    const os = ctx.shape(2);
    const want: Dim[] = [out[0]!, og * kk * k.length, ...out.slice(2)];
    if (os.length !== want.length || !os.every((d, i) => eq(d, want[i]!))) ctx.fail(`offset must be [${want.join(',')}], got [${os.join(',')}]`, 'E_SHAPE_MISMATCH');
    if (ctx.has(4)) {
      const ms = ctx.shape(4);
      const wantM: Dim[] = [out[0]!, og * kk, ...out.slice(2)];
      if (ms.length !== wantM.length || !ms.every((d, i) => eq(d, wantM[i]!))) ctx.fail(`mask must be [${wantM.join(',')}], got [${ms.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
    return [tensorType(t, out)];
  },
  params: (ctx): DeformConvParams => ({ ...convParams(ctx, 0, 1, ctx.tensor(0).dtype), offsetGroup: ctx.attrs.offset_group }),
});

// ---------------------------------------------------------------- Col2Im

export interface Col2ImParams {
  readonly batch: number;
  readonly channels: number;
  /** Geometry of the forward im2col: "in" is the image, "out" the block positions. */
  readonly geo: Geometry;
}

const Col2Im = defineOp({
  since: 18,
  attrs: { dilations: attr.ints(), pads: attr.ints(), strides: attr.ints() },
  inputs: [3, 3],
  infer: (ctx) => {
    const xs = ctx.shape(0);
    if (xs.length !== 3) ctx.fail(`input must be 3-D [N, C*prod(block_shape), L], got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
    for (const i of [1, 2]) if (ctx.tensor(i).dtype !== 'int64') ctx.fail(`input ${i} must be int64`, 'E_TYPE_UNSUPPORTED');
    const img = ctx.value(1);
    const blk = ctx.value(2);
    if (!img || !blk) {
      const r = ctx.shape(1)[0];
      return [tensorType(ctx.tensor(0).dtype, typeof r === 'number' ? [xs[0]!, freshDim(), ...Array.from({ length: r }, () => freshDim())] : undefined)];
    }
    const p = col2imGeometry(ctx, concreteOr(xs), toIntList(img), toIntList(blk));
    return [tensorType(ctx.tensor(0).dtype, [xs[0]!, p.channels, ...p.geo.inDims])];
  },
  params: (ctx): Col2ImParams => {
    const g = col2imGeometry(ctx, concrete(ctx.shape(0)), toIntList(ctx.value(1)!), toIntList(ctx.value(2)!));
    return { batch: g.batch, channels: g.channels as number, geo: g.geo };
  },
});

const concreteOr = (s: readonly Dim[]): (number | undefined)[] => s.map((d) => (typeof d === 'number' ? d : undefined));

type Col2ImAttrs = { readonly dilations: readonly number[] | undefined; readonly pads: readonly number[] | undefined; readonly strides: readonly number[] | undefined };

function col2imGeometry(ctx: OpContext<Col2ImAttrs>, xs: readonly (number | undefined)[], image: number[], block: number[]): { batch: number; channels: Dim; geo: Geometry } {
  const n = image.length;
  if (block.length !== n) ctx.fail(`image_shape has ${n} values, block_shape ${block.length}`, 'E_SHAPE_MISMATCH');
  for (const v of image) if (!(Number.isInteger(v) && v >= 0)) ctx.fail(`image_shape must be non-negative, got [${image.join(',')}]`, 'E_INPUT_INVALID');
  const win = resolveWindow(ctx, { auto_pad: 'NOTSET', kernel_shape: block, strides: ctx.attrs.strides, dilations: ctx.attrs.dilations, pads: ctx.attrs.pads }, n);
  const geo = windowGeometry(ctx, image, win);
  const kk = block.reduce((a, b) => a * b, 1);
  const L = geo.outDims.reduce((a, b) => a * b, 1);
  const cb = xs[1];
  if (cb !== undefined && cb % kk !== 0) ctx.fail(`input dim 1 (${cb}) is not a multiple of prod(block_shape) = ${kk}`, 'E_SHAPE_MISMATCH');
  if (xs[2] !== undefined && xs[2] !== L) ctx.fail(`input dim 2 is ${xs[2]}, the blocks of image_shape [${image.join(',')}] number ${L}`, 'E_SHAPE_MISMATCH');
  return { batch: xs[0] ?? 0, channels: cb !== undefined ? cb / kk : freshDim(), geo };
}

// ---------------------------------------------------------------- CausalConvWithState

export interface CausalConvParams {
  readonly batch: number;
  readonly channels: number;
  readonly length: number;
  readonly k: number;
  readonly activation: 'none' | 'silu';
}

const CausalConvWithState = defineOp({
  since: 27,
  attrs: { activation: attr.string('none') },
  inputs: [2, 4],
  outputs: [1, 2],
  infer: (ctx) => {
    const t = checkFloat(ctx, 0, 1, 2, 3);
    const xs = ctx.shape(0);
    const ws = ctx.shape(1);
    if (xs.length !== 3) ctx.fail(`input must be 3-D (batch, channels, length), got rank ${xs.length}`, 'E_SHAPE_MISMATCH');
    if (ws.length !== 3 || !eq(ws[0]!, xs[1]!) || !eq(ws[1]!, 1)) ctx.fail(`weight must be [${xs[1]}, 1, k], got [${ws.join(',')}]`, 'E_SHAPE_MISMATCH');
    activationOf(ctx, ctx.attrs.activation);
    checkBias(ctx, 2, xs[1]!);
    const k = ws[2]!;
    const state: Dim[] = [xs[0]!, xs[1]!, typeof k === 'number' ? k - 1 : freshDim()];
    if (typeof k === 'number' && k < 1) ctx.fail('kernel size must be >= 1', 'E_SHAPE_MISMATCH');
    if (ctx.has(3)) {
      const ps = ctx.shape(3);
      if (ps.length !== 3 || !ps.every((d, i) => eq(d, state[i]!))) ctx.fail(`past_state must be [${state.join(',')}], got [${ps.join(',')}]`, 'E_SHAPE_MISMATCH');
    }
    return [tensorType(t, xs), tensorType(t, state)];
  },
  params: (ctx): CausalConvParams => {
    const xs = concrete(ctx.shape(0));
    return { batch: xs[0]!, channels: xs[1]!, length: xs[2]!, k: concrete(ctx.shape(1))[2]!, activation: activationOf(ctx, ctx.attrs.activation) };
  },
});

function activationOf(ctx: OpContext<unknown>, s: string): 'none' | 'silu' {
  const a = s.toLowerCase();
  if (a === 'none' || a === '') return 'none';
  if (a === 'silu' || a === 'swish') return 'silu';
  return ctx.fail(`activation must be 'none', 'silu' or 'swish', got '${s}'`);
}

export const convSchemas = { Conv, ConvInteger, QLinearConv, ConvTranspose, DeformConv, Col2Im, CausalConvWithState };
