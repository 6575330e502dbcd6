/**
 * TFLite resampling and rearrangement: RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR (NHWC; float math in
 * float32 as TFLite; quantized bilinear uses TFLite's 10-bit fixed-point interpolation), SPACE_TO_DEPTH,
 * DEPTH_TO_SPACE, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, and BATCH_MATMUL (broadcast batch dims,
 * adj_x/adj_y; quantized with one multiplier s_lhs*s_rhs/s_out).
 */
import { freshDim, tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { toIntList } from '../../elements.js';
import { attr, type OpContext, type ParamsContext } from '../schema.js';
import { broadcastShapes, concrete, product } from '../shape-utils.js';
import { checkElements, isQuantizedType, quantAttrs, quantizeMultiplier, quantOf, scalarQuant, tfl, INT_RANGE } from './common.js';

const intsOf = (ctx: OpContext<any>, i: number): number[] | undefined => {
  const v = ctx.has(i) ? ctx.value(i) : undefined;
  return v ? toIntList(v) : undefined;
};
const outShape = (ctx: ParamsContext<any>): number[] => concrete((ctx.outputs[0] as TensorType).shape!);

export interface ResizeParams {
  readonly n: number; readonly ih: number; readonly iw: number; readonly c: number; readonly oh: number; readonly ow: number;
  readonly alignCorners: boolean; readonly halfPixel: boolean; readonly integer: boolean;
}
const resize = tfl({
  attrs: { align_corners: attr.int(0), half_pixel_centers: attr.int(0) }, inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    if (x.length !== 4) ctx.fail(`input must be 4-D, got rank ${x.length}`, 'E_SHAPE_MISMATCH');
    const s = intsOf(ctx, 1);
    return [tensorType(ctx.tensor(0).dtype, [x[0]!, s?.[0] ?? freshDim(), s?.[1] ?? freshDim(), x[3]!])];
  },
  params: (ctx): ResizeParams => {
    const [n, ih, iw, c] = concrete(ctx.shape(0));
    const [oh, ow] = intsOf(ctx, 1)!;
    if (!(oh! > 0 && ow! > 0)) ctx.fail(`output size [${oh}, ${ow}] must be positive`, 'E_INPUT_INVALID');
    checkElements([n!, oh!, ow!, c!]);
    return { n: n!, ih: ih!, iw: iw!, c: c!, oh: oh!, ow: ow!, alignCorners: !!ctx.attrs.align_corners, halfPixel: !!ctx.attrs.half_pixel_centers, integer: isQuantizedType(ctx.tensor(0).dtype) };
  },
});

/** SPACE_TO_DEPTH / DEPTH_TO_SPACE: NHWC blocks of block_size² pixels ↔ channels. */
export interface BlockParams { readonly n: number; readonly h: number; readonly w: number; readonly c: number; readonly bs: number; readonly outDims: readonly number[] }
const blockOp = (toDepth: boolean) => tfl({
  attrs: { block_size: attr.int(1) },
  infer: (ctx) => {
    const [n, h, w, c] = ctx.shape(0);
    const bs = ctx.attrs.block_size;
    const m = (d: Dim | undefined, f: (v: number) => number): Dim => (typeof d === 'number' ? f(d) : freshDim());
    return [tensorType(ctx.tensor(0).dtype, toDepth
      ? [n!, m(h, (v) => v / bs), m(w, (v) => v / bs), m(c, (v) => v * bs * bs)]
      : [n!, m(h, (v) => v * bs), m(w, (v) => v * bs), m(c, (v) => v / (bs * bs))])];
  },
  params: (ctx): BlockParams => {
    const [n, h, w, c] = concrete(ctx.shape(0));
    const bs = ctx.attrs.block_size;
    if (!(bs > 0) || (toDepth ? h! % bs || w! % bs : c! % (bs * bs))) ctx.fail(`block size ${bs} does not divide the input [${[n, h, w, c]}]`, 'E_SHAPE_MISMATCH');
    return { n: n!, h: h!, w: w!, c: c!, bs, outDims: outShape(ctx) };
  },
});

/** SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND on [batch, spatial…, rest…] with a block per spatial dim. */
export interface SpaceBatchParams { readonly inDims: readonly number[]; readonly block: readonly number[]; readonly pads: readonly number[]; readonly outDims: readonly number[]; readonly padValue: number }
function spaceBatchShape(ctx: OpContext<any>, toBatch: boolean): Dim[] | undefined {
  const x = ctx.shape(0);
  const block = intsOf(ctx, 1);
  const pads = intsOf(ctx, 2);
  if (!block || !pads || !x.every((d) => typeof d === 'number')) return undefined;
  const d = x as number[];
  if (block.some((b) => b < 1) || pads.some((p) => p < 0)) ctx.fail('block sizes must be positive and paddings non-negative', 'E_INPUT_INVALID');
  const bprod = product(block);
  const spatial = block.map((b, i) => (toBatch ? (d[i + 1]! + pads[2 * i]! + pads[2 * i + 1]!) / b : d[i + 1]! * b - pads[2 * i]! - pads[2 * i + 1]!));
  if (spatial.some((s) => !Number.isInteger(s) || s < 0) || (!toBatch && d[0]! % bprod)) ctx.fail('block sizes do not divide the (padded) input', 'E_SHAPE_MISMATCH');
  return [toBatch ? d[0]! * bprod : d[0]! / bprod, ...spatial, ...d.slice(block.length + 1)];
}
const spaceBatch = (toBatch: boolean) => tfl({
  attrs: quantAttrs('out0'), inputs: [3, 3],
  infer: (ctx) => [tensorType(ctx.tensor(0).dtype, spaceBatchShape(ctx, toBatch) ?? ctx.shape(0).map(() => freshDim()))],
  params: (ctx): SpaceBatchParams => ({
    inDims: concrete(ctx.shape(0)), block: intsOf(ctx, 1)!, pads: intsOf(ctx, 2)!, outDims: concrete(spaceBatchShape(ctx, toBatch)!),
    padValue: scalarQuant(ctx.attrs, 'out0')?.zp ?? 0,
  }),
});

export interface MatMulParams {
  readonly outDims: readonly number[]; readonly aBatch: readonly number[]; readonly bBatch: readonly number[]; readonly batchDims: readonly number[];
  readonly m: number; readonly k: number; readonly n: number; readonly adjX: boolean; readonly adjY: boolean;
  readonly mode: 'float' | 'int' | 'hybrid';
  readonly off1: number; readonly off2: number; readonly outOff: number; readonly mult: number; readonly shift: number; readonly wide: boolean;
  readonly qmin: number; readonly qmax: number; readonly rhsScale: number; readonly rhsZp: number;
}
function matmulDims(ctx: OpContext<any>): { a: readonly Dim[]; b: readonly Dim[]; m: Dim; k: Dim; n: Dim; batch: Dim[] | undefined } {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length < 2 || b.length < 2) ctx.fail('BATCH_MATMUL inputs need rank ≥ 2', 'E_SHAPE_MISMATCH');
  const [m, k] = ctx.attrs.adj_x ? [a[a.length - 1]!, a[a.length - 2]!] : [a[a.length - 2]!, a[a.length - 1]!];
  const [k2, n] = ctx.attrs.adj_y ? [b[b.length - 1]!, b[b.length - 2]!] : [b[b.length - 2]!, b[b.length - 1]!];
  if (typeof k === 'number' && typeof k2 === 'number' && k !== k2) ctx.fail(`inner dimensions differ: ${k} vs ${k2}`, 'E_SHAPE_MISMATCH');
  return { a, b, m, k, n, batch: broadcastShapes(ctx, [a.slice(0, -2), b.slice(0, -2)]) };
}
const BATCH_MATMUL = tfl({
  attrs: { adj_x: attr.int(0), adj_y: attr.int(0), ...quantAttrs('in0', 'in1', 'out0') }, inputs: [2, 2],
  infer: (ctx) => {
    const d = matmulDims(ctx);
    const t = ctx.tensor(0).dtype;
    return [tensorType(t, d.batch ? [...d.batch, d.m, d.n] : undefined)];
  },
  params: (ctx): MatMulParams => {
    const d = matmulDims(ctx);
    const batchDims = concrete(d.batch!);
    const t = ctx.tensor(0).dtype;
    const base = {
      outDims: [...batchDims, d.m as number, d.n as number], aBatch: concrete(d.a.slice(0, -2)), bBatch: concrete(d.b.slice(0, -2)), batchDims,
      m: d.m as number, k: d.k as number, n: d.n as number, adjX: !!ctx.attrs.adj_x, adjY: !!ctx.attrs.adj_y,
      off1: 0, off2: 0, outOff: 0, mult: 0, shift: 0, wide: false, qmin: -Infinity, qmax: Infinity, rhsScale: 1, rhsZp: 0,
    };
    const q1 = scalarQuant(ctx.attrs, 'in0');
    const q2 = quantOf(ctx.attrs, 'in1');
    const qo = scalarQuant(ctx.attrs, 'out0');
    if (t === 'float32') return q2 && ctx.tensor(1).dtype !== 'float32' ? { ...base, mode: 'hybrid', rhsScale: q2.scale[0]!, rhsZp: q2.zp[0]! } : { ...base, mode: 'float' };
    if (!q1 || !q2 || !qo) return ctx.fail('quantized BATCH_MATMUL needs quantization on both inputs and the output', 'E_TYPE_UNSUPPORTED');
    const [mult, shift] = quantizeMultiplier(Math.fround(q1.scale * q2.scale[0]!) / qo.scale);
    const [qmin, qmax] = INT_RANGE[t]!;
    return { ...base, mode: 'int', off1: -q1.zp, off2: -q2.zp[0]!, outOff: qo.zp, mult, shift, wide: t === 'int16', qmin, qmax };
  },
});

export const tfliteImageOps = {
  'tflite.RESIZE_BILINEAR': resize, 'tflite.RESIZE_NEAREST_NEIGHBOR': resize,
  'tflite.SPACE_TO_DEPTH': blockOp(true), 'tflite.DEPTH_TO_SPACE': blockOp(false),
  'tflite.SPACE_TO_BATCH_ND': spaceBatch(true), 'tflite.BATCH_TO_SPACE_ND': spaceBatch(false),
  'tflite.BATCH_MATMUL': BATCH_MATMUL,
};
