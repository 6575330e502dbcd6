/**
 * Less common TFLite builtins: PRELU (quantized: two multipliers, s_in/s_out and s_in*s_alpha/s_out),
 * ADD_N, FAKE_QUANT (TFLite's nudged min/max, float32), DENSIFY (sparse constants are densified at load,
 * so it passes its input through), MATRIX_DIAG, MATRIX_SET_DIAG, REVERSE_SEQUENCE, UNIQUE,
 * SPARSE_TO_DENSE, NON_MAX_SUPPRESSION_V4/V5, BUCKETIZE, CONV_3D (NDHWC, DHWIO filters, float).
 */
import type { DType } from '../../ir/dtype.js';
import { freshDim, tensorType, type TensorType } from '../../ir/types.js';
import { toIntList, toNumbers } from '../../elements.js';
import { attr, type OpContext } from '../schema.js';
import { broadcastShapes, concrete, product } from '../shape-utils.js';
import { checkElements, floatActRange, INT_RANGE, isQuantizedType, outSize, padBefore, quantAttrs, quantizeMultiplier, roundAway, scalarQuant, tfl } from './common.js';

const intsOf = (ctx: OpContext<any>, i: number): number[] | undefined => {
  const v = ctx.has(i) ? ctx.value(i) : undefined;
  return v ? toIntList(v) : undefined;
};

export interface PreluParams {
  readonly outDims: readonly number[]; readonly quantized: boolean;
  readonly inOff: number; readonly alphaOff: number; readonly outOff: number;
  readonly m1: number; readonly s1: number; readonly m2: number; readonly s2: number; readonly qmin: number; readonly qmax: number;
}
const PRELU = tfl({
  attrs: quantAttrs('in0', 'in1', 'out0'), inputs: [2, 2],
  infer: (ctx) => [tensorType(ctx.tensor(0).dtype, broadcastShapes(ctx, [ctx.tensor(0).shape, ctx.tensor(1).shape]))],
  params: (ctx): PreluParams => {
    const outDims = concrete(broadcastShapes(ctx, [ctx.shape(0), ctx.shape(1)])!);
    const t = ctx.tensor(0).dtype;
    const [qi, qa, qo] = [scalarQuant(ctx.attrs, 'in0'), scalarQuant(ctx.attrs, 'in1'), scalarQuant(ctx.attrs, 'out0')];
    const none = { outDims, quantized: false, inOff: 0, alphaOff: 0, outOff: 0, m1: 0, s1: 0, m2: 0, s2: 0, qmin: 0, qmax: 0 };
    if (!isQuantizedType(t) || !qi || !qa || !qo) return none;
    const [m1, s1] = quantizeMultiplier(qi.scale / qo.scale);
    const [m2, s2] = quantizeMultiplier((qi.scale * qa.scale) / qo.scale);
    const [qmin, qmax] = INT_RANGE[t]!;
    return { ...none, quantized: true, inOff: -qi.zp, alphaOff: -qa.zp, outOff: qo.zp, m1, s1, m2, s2, qmin, qmax };
  },
});

const ADD_N = tfl({
  inputs: [1, Infinity],
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx) => ({ dims: concrete(ctx.shape(0)) }),
});

export interface FakeQuantParams { readonly nudgedMin: number; readonly nudgedMax: number; readonly scale: number }
const FAKE_QUANT = tfl({
  attrs: { min: attr.float(0), max: attr.float(0), num_bits: attr.int(8), narrow_range: attr.int(0) },
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx): FakeQuantParams => {
    const f = Math.fround;
    const { min, max } = ctx.attrs;
    const qmin = ctx.attrs.narrow_range ? 1 : 0;
    const qmax = 2 ** ctx.attrs.num_bits - 1;
    const scale = f(f(max - min) / (qmax - qmin));
    const zpFromMin = f(qmin - f(min / scale));
    const zp = zpFromMin < qmin ? qmin : zpFromMin > qmax ? qmax : roundAway(zpFromMin);
    return { nudgedMin: f((qmin - zp) * scale), nudgedMax: f((qmax - zp) * scale), scale };
  },
});

const DENSIFY = tfl({ infer: (ctx) => [ctx.tensor(0)], params: () => ({}) });

export interface DiagParams { readonly batch: number; readonly rows: number; readonly cols: number; readonly outDims: readonly number[] }
const MATRIX_DIAG = tfl({
  infer: (ctx) => {
    const x = ctx.shape(0);
    return [tensorType(ctx.tensor(0).dtype, [...x, x[x.length - 1]!])];
  },
  params: (ctx): DiagParams => {
    const x = concrete(ctx.shape(0));
    const n = x[x.length - 1]!;
    return { batch: product(x, 0, x.length - 1), rows: n, cols: n, outDims: [...x, n] };
  },
});
const MATRIX_SET_DIAG = tfl({
  inputs: [2, 2],
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx): DiagParams => {
    const x = concrete(ctx.shape(0));
    return { batch: product(x, 0, x.length - 2), rows: x[x.length - 2]!, cols: x[x.length - 1]!, outDims: x };
  },
});

export interface ReverseSeqParams { readonly dims: readonly number[]; readonly seqDim: number; readonly batchDim: number }
const REVERSE_SEQUENCE = tfl({
  attrs: { seq_dim: attr.int(0), batch_dim: attr.int(0) }, inputs: [2, 2],
  infer: (ctx) => [ctx.tensor(0)],
  params: (ctx): ReverseSeqParams => ({ dims: concrete(ctx.shape(0)), seqDim: ctx.attrs.seq_dim, batchDim: ctx.attrs.batch_dim }),
});

const UNIQUE = tfl({
  attrs: { idx_out_type: attr.int(2) }, outputs: [2, 2],
  infer: (ctx) => [tensorType(ctx.tensor(0).dtype, [freshDim()]), tensorType(ctx.attrs.idx_out_type === 4 ? 'int64' : 'int32', ctx.tensor(0).shape)],
  params: (ctx) => ({ idxType: (ctx.attrs.idx_out_type === 4 ? 'int64' : 'int32') as DType }),
});

export interface SparseToDenseParams { readonly outDims: readonly number[] }
const SPARSE_TO_DENSE = tfl({
  attrs: { validate_indices: attr.int(1) }, inputs: [4, 4],
  infer: (ctx) => [tensorType(ctx.tensor(2).dtype, intsOf(ctx, 1) ?? undefined)],
  params: (ctx): SparseToDenseParams => ({ outDims: checkElements(intsOf(ctx, 1)!) }),
});

export interface NmsParams { readonly boxes: number; readonly maxOut: number; readonly iou: number; readonly scoreThreshold: number; readonly sigma: number; readonly v5: boolean }
const nms = (v5: boolean) => tfl({
  inputs: v5 ? [6, 6] : [5, 5], outputs: v5 ? [3, 3] : [2, 2],
  infer: (ctx) => {
    const m = intsOf(ctx, 2)?.[0] ?? freshDim();
    return v5 ? [tensorType('int32', [m]), tensorType('float32', [m]), tensorType('int32', [])] : [tensorType('int32', [m]), tensorType('int32', [])];
  },
  params: (ctx): NmsParams => {
    const num = (i: number) => toNumbers(ctx.value(i)!)[0]!;
    return { boxes: concrete(ctx.shape(0))[0]!, maxOut: Math.max(0, intsOf(ctx, 2)![0]!), iou: num(3), scoreThreshold: num(4), sigma: v5 ? num(5) : 0, v5 };
  },
});
const BUCKETIZE = tfl({
  attrs: { boundaries: attr.floats() },
  infer: (ctx) => [tensorType('int32', ctx.tensor(0).shape)],
  params: (ctx) => ({ boundaries: [...(ctx.attrs.boundaries ?? [])] as number[] }),
});

export interface Conv3dParams {
  readonly n: number; readonly id: number; readonly ih: number; readonly iw: number; readonly ic: number;
  readonly od: number; readonly oh: number; readonly ow: number; readonly oc: number;
  readonly kd: number; readonly kh: number; readonly kw: number;
  readonly sd: number; readonly sh: number; readonly sw: number; readonly dd: number; readonly dh: number; readonly dw: number;
  readonly padD: number; readonly padT: number; readonly padL: number; readonly actMin: number; readonly actMax: number;
}
const CONV_3D = tfl({
  attrs: {
    padding: attr.int(0), stride_d: attr.int(1), stride_h: attr.int(1), stride_w: attr.int(1), fused_activation_function: attr.int(0),
    dilation_d_factor: attr.int(1), dilation_h_factor: attr.int(1), dilation_w_factor: attr.int(1),
  },
  inputs: [2, 3],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const w = ctx.shape(1);
    const a = ctx.attrs;
    const o = (i: number, k: number, s: number, d: number) => (typeof x[i] === 'number' && typeof w[k] === 'number' ? outSize(a.padding, x[i] as number, w[k] as number, s, d) : freshDim());
    return [tensorType('float32', [x[0]!, o(1, 0, a.stride_d, a.dilation_d_factor), o(2, 1, a.stride_h, a.dilation_h_factor), o(3, 2, a.stride_w, a.dilation_w_factor), w[4]!])];
  },
  params: (ctx): Conv3dParams => {
    const a = ctx.attrs;
    if (ctx.tensor(0).dtype !== 'float32') ctx.fail('CONV_3D runs on float32 only', 'E_TYPE_UNSUPPORTED');
    const [n, id, ih, iw, ic] = concrete(ctx.shape(0));
    const [kd, kh, kw, kc, oc] = concrete(ctx.shape(1));
    if (kc !== ic) ctx.fail(`filter input channels ${kc} differ from the input's ${ic}`, 'E_SHAPE_MISMATCH');
    const out = concrete((ctx.outputs[0] as TensorType).shape!);
    const [actMin, actMax] = floatActRange(a.fused_activation_function);
    return {
      n: n!, id: id!, ih: ih!, iw: iw!, ic: ic!, od: out[1]!, oh: out[2]!, ow: out[3]!, oc: oc!, kd: kd!, kh: kh!, kw: kw!,
      sd: a.stride_d, sh: a.stride_h, sw: a.stride_w, dd: a.dilation_d_factor, dh: a.dilation_h_factor, dw: a.dilation_w_factor,
      padD: padBefore(a.stride_d, a.dilation_d_factor, id!, kd!, out[1]!), padT: padBefore(a.stride_h, a.dilation_h_factor, ih!, kh!, out[2]!),
      padL: padBefore(a.stride_w, a.dilation_w_factor, iw!, kw!, out[3]!), actMin, actMax,
    };
  },
});

export const tfliteMiscOps = {
  'tflite.PRELU': PRELU, 'tflite.ADD_N': ADD_N, 'tflite.FAKE_QUANT': FAKE_QUANT, 'tflite.DENSIFY': DENSIFY,
  'tflite.MATRIX_DIAG': MATRIX_DIAG, 'tflite.MATRIX_SET_DIAG': MATRIX_SET_DIAG, 'tflite.REVERSE_SEQUENCE': REVERSE_SEQUENCE,
  'tflite.UNIQUE': UNIQUE, 'tflite.SPARSE_TO_DENSE': SPARSE_TO_DENSE, 'tflite.NON_MAX_SUPPRESSION_V4': nms(false),
  'tflite.NON_MAX_SUPPRESSION_V5': nms(true), 'tflite.BUCKETIZE': BUCKETIZE, 'tflite.CONV_3D': CONV_3D,
};
