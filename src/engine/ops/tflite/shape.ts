/**
 * TFLite shape ops: RESHAPE, SQUEEZE, EXPAND_DIMS, TRANSPOSE, CONCATENATION, PACK, UNPACK, SPLIT,
 * SPLIT_V, TILE, BROADCAST_TO, FILL, SHAPE, RANK. Data-dependent shapes come from constant inputs when
 * they are known statically, else the output dims are fresh symbols until run time.
 */
import type { DType } from '../../ir/dtype.js';
import { freshDim, tensorType, type Dim, type TensorType } from '../../ir/types.js';
import { toIntList } from '../../elements.js';
import { attr, type OpContext } from '../schema.js';
import { broadcastShapes, concrete, normAxis, product } from '../shape-utils.js';
import { checkElements, floatActRange, quantAttrs, scalarQuant, tfl } from './common.js';

const intsOf = (ctx: OpContext<any>, i: number): number[] | undefined => {
  const v = ctx.has(i) ? ctx.value(i) : undefined;
  return v ? toIntList(v) : undefined;
};
const known = (s: readonly Dim[]): s is number[] => s.every((d) => typeof d === 'number');
const same = (ctx: OpContext<any>, shape: readonly Dim[] | undefined): TensorType[] => [tensorType(ctx.tensor(0).dtype, shape)];

/** RESHAPE's target: the shape input when it is an int32 vector, else the new_shape option; one -1 is inferred. */
function reshapeTarget(ctx: OpContext<any>): Dim[] | undefined {
  const shapeIn = ctx.has(1) ? ctx.tensor(1) : undefined;
  let target: number[] | undefined;
  if (shapeIn && shapeIn.shape?.length === 1) target = intsOf(ctx, 1);
  else target = ctx.attrs.new_shape?.length ? [...ctx.attrs.new_shape] : shapeIn ? intsOf(ctx, 1) : [];
  if (!target) return undefined;
  const x = ctx.shape(0);
  const neg = target.filter((d) => d === -1).length;
  if (neg > 1 || target.some((d) => d < -1)) ctx.fail(`invalid target shape [${target.join(',')}]`, 'E_SHAPE_MISMATCH');
  if (!known(x)) return neg ? target.map((d) => (d === -1 ? freshDim() : d)) : target;
  const total = product(x);
  const rest = product(target.filter((d) => d !== -1));
  if (neg) {
    if (rest === 0 || total % rest !== 0) ctx.fail(`cannot reshape [${x}] to [${target}]`, 'E_SHAPE_MISMATCH');
    return target.map((d) => (d === -1 ? total / rest : d));
  }
  if (rest !== total) ctx.fail(`cannot reshape [${x}] (${total} elements) to [${target}]`, 'E_SHAPE_MISMATCH');
  return target;
}

export interface ReshapeParams { readonly outDims: readonly number[] }
const reshapeLike = (infer: (ctx: OpContext<any>) => Dim[] | undefined, inputs: [number, number] = [1, 2]) => tfl({
  attrs: { new_shape: attr.ints(), squeeze_dims: attr.ints() },
  inputs,
  infer: (ctx) => same(ctx, infer(ctx)),
  params: (ctx): ReshapeParams => ({ outDims: concrete((ctx.outputs[0] as TensorType).shape!) }),
});

const RESHAPE = reshapeLike(reshapeTarget);
const SQUEEZE = reshapeLike((ctx) => {
  const x = ctx.shape(0);
  const dims = ctx.attrs.squeeze_dims ?? [];
  const axes = new Set(dims.map((a: number) => normAxis(ctx, a, x.length)));
  return x.filter((d, i) => (axes.size ? !axes.has(i) : d !== 1));
}, [1, 1]);
const EXPAND_DIMS = reshapeLike((ctx) => {
  const x = ctx.shape(0);
  const a = intsOf(ctx, 1);
  if (!a) return undefined;
  const axis = normAxis(ctx, a[0]!, x.length, true);
  return [...x.slice(0, axis), 1, ...x.slice(axis)];
}, [2, 2]);

export interface TransposeParams { readonly inDims: readonly number[]; readonly perm: readonly number[]; readonly outDims: readonly number[] }
const TRANSPOSE = tfl({
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const perm = intsOf(ctx, 1);
    return same(ctx, perm ? perm.map((p) => x[normAxis(ctx, p, x.length)]!) : x.map(() => freshDim()));
  },
  params: (ctx): TransposeParams => {
    const inDims = concrete(ctx.shape(0));
    const perm = intsOf(ctx, 1)!.map((p) => normAxis(ctx, p, inDims.length));
    if (perm.length !== inDims.length || new Set(perm).size !== perm.length) ctx.fail(`perm [${perm}] is not a permutation of rank ${inDims.length}`, 'E_SHAPE_MISMATCH');
    return { inDims, perm, outDims: perm.map((p) => inDims[p]!) };
  },
});

/** Concatenation-like: `outer` × (sum of per-input `axis` × `inner`) blocks. */
export interface ConcatParams {
  readonly outer: number; readonly inner: number; readonly sizes: readonly number[]; readonly outDims: readonly number[];
  /** Per input: rescale (uint8 inputs whose scale/zero point differ from the output's). */
  readonly rescale: readonly ({ scale: number; zp: number } | undefined)[];
  readonly outZp: number; readonly outScale: number; readonly actMin: number; readonly actMax: number;
}

function concatShape(ctx: OpContext<any>, shapes: (readonly Dim[])[], axisAttr: number, stack: boolean): Dim[] {
  const rank = shapes[0]!.length;
  const axis = normAxis(ctx, axisAttr, rank, stack);
  if (stack) return [...shapes[0]!.slice(0, axis), shapes.length, ...shapes[0]!.slice(axis)];
  let sum: Dim = 0;
  for (const s of shapes) {
    if (s.length !== rank) ctx.fail(`inputs have ranks ${rank} and ${s.length}`, 'E_SHAPE_MISMATCH');
    sum = typeof sum === 'number' && typeof s[axis] === 'number' ? sum + (s[axis] as number) : freshDim();
  }
  return shapes[0]!.map((d, i) => (i === axis ? sum : d));
}

function concatParams(ctx: OpContext<any>, stack: boolean): ConcatParams {
  const n = ctx.inputs.length;
  const shapes = Array.from({ length: n }, (_, i) => concrete(ctx.shape(i)));
  const rank = shapes[0]!.length;
  const axis = normAxis(ctx, ctx.attrs.axis, rank, stack);
  const outDims = concrete(concatShape(ctx, shapes, ctx.attrs.axis, stack));
  shapes.forEach((s) => {
    if (s.length !== rank || s.some((d, i) => i !== axis && d !== shapes[0]![i])) ctx.fail(`cannot join shapes [${shapes[0]}] and [${s}] on axis ${axis}`, 'E_SHAPE_MISMATCH');
  });
  const t = ctx.tensor(0).dtype;
  const qo = scalarQuant(ctx.attrs, 'out0');
  const rescale = shapes.map((_, i) => {
    const qi = scalarQuant(ctx.attrs, `in${i}`);
    return t === 'uint8' && qi && qo && (qi.scale !== qo.scale || qi.zp !== qo.zp) ? qi : undefined;
  });
  const [actMin, actMax] = t === 'float32' ? floatActRange(ctx.attrs.fused_activation_function ?? 0) : [-Infinity, Infinity];
  return {
    outer: product(shapes[0]!, 0, axis), inner: stack ? product(shapes[0]!, axis) : product(shapes[0]!, axis + 1),
    sizes: shapes.map((s) => (stack ? 1 : s[axis]!)), outDims, rescale, outZp: qo?.zp ?? 0, outScale: qo?.scale ?? 1, actMin, actMax,
  };
}

const joinAttrs = { axis: attr.int(0), fused_activation_function: attr.int(0), values_count: attr.int(0), ...quantAttrs('out0', 'in0', 'in1', 'in2', 'in3', 'in4', 'in5', 'in6', 'in7') };
const CONCATENATION = tfl({
  attrs: joinAttrs, inputs: [1, Infinity],
  infer: (ctx) => same(ctx, concatShape(ctx, ctx.inputs.map((_, i) => ctx.shape(i)), ctx.attrs.axis, false)),
  params: (ctx) => concatParams(ctx, false),
});
const PACK = tfl({
  attrs: joinAttrs, inputs: [1, Infinity],
  infer: (ctx) => same(ctx, concatShape(ctx, ctx.inputs.map((_, i) => ctx.shape(i)), ctx.attrs.axis, true)),
  params: (ctx) => concatParams(ctx, true),
});

/** Split-like: the input is `outer` × (sum of sizes × `inner`); output k takes its `sizes[k]` slab. */
export interface SplitParams { readonly outer: number; readonly inner: number; readonly sizes: readonly number[]; readonly outDims: readonly (readonly number[])[] }

function splitParams(ctx: OpContext<any>, data: number, axisValue: number, sizes: number[] | undefined, squeeze: boolean): { p?: SplitParams; shapes: Dim[][] } {
  const x = ctx.shape(data);
  const axis = normAxis(ctx, axisValue, x.length);
  const n = ctx.numOutputs;
  const d = x[axis]!;
  let s = sizes;
  if (!s) {
    if (typeof d === 'number' && d % n !== 0) ctx.fail(`dimension ${axis} (${d}) does not split into ${n} equal parts`, 'E_SHAPE_MISMATCH');
    s = typeof d === 'number' ? new Array<number>(n).fill(d / n) : undefined;
  } else if (s.includes(-1) && typeof d === 'number') {
    const rest = s.reduce((acc, v) => (v === -1 ? acc : acc + v), 0);
    s = s.map((v) => (v === -1 ? d - rest : v));
  }
  const shapes = Array.from({ length: n }, (_, k): Dim[] => {
    const size: Dim = s ? s[k]! : freshDim();
    return squeeze ? x.filter((_, i) => i !== axis) : x.map((dim, i) => (i === axis ? size : dim));
  });
  if (!s || !known(x)) return { shapes };
  if (s.length !== n || s.reduce((a, b) => a + b, 0) !== d || s.some((v) => v < 0)) ctx.fail(`split sizes [${s}] do not add up to dimension ${axis} (${d})`, 'E_SHAPE_MISMATCH');
  return { p: { outer: product(x, 0, axis), inner: product(x, axis + 1), sizes: s, outDims: shapes as number[][] }, shapes };
}

const splitOp = (kind: 'SPLIT' | 'SPLIT_V' | 'UNPACK') => tfl({
  attrs: { num_splits: attr.int(1), num: attr.int(1), axis: attr.int(0) },
  inputs: kind === 'SPLIT_V' ? [3, 3] : kind === 'SPLIT' ? [2, 2] : [1, 1], outputs: [1, Infinity],
  infer: (ctx) => {
    const data = kind === 'SPLIT' ? 1 : 0;
    const axis = kind === 'UNPACK' ? ctx.attrs.axis : intsOf(ctx, kind === 'SPLIT' ? 0 : 2)?.[0];
    if (axis === undefined) return Array.from({ length: ctx.numOutputs }, () => tensorType(ctx.tensor(data).dtype, undefined));
    const sizes = kind === 'SPLIT_V' ? intsOf(ctx, 1) : kind === 'UNPACK' ? new Array<number>(ctx.numOutputs).fill(1) : undefined;
    return splitParams(ctx, data, axis, sizes, kind === 'UNPACK').shapes.map((s) => tensorType(ctx.tensor(data).dtype, s));
  },
  params: (ctx): SplitParams => {
    const data = kind === 'SPLIT' ? 1 : 0;
    const axis = kind === 'UNPACK' ? ctx.attrs.axis : intsOf(ctx, kind === 'SPLIT' ? 0 : 2)![0]!;
    const sizes = kind === 'SPLIT_V' ? intsOf(ctx, 1) : kind === 'UNPACK' ? new Array<number>(ctx.numOutputs).fill(1) : undefined;
    return splitParams(ctx, data, axis, sizes, kind === 'UNPACK').p!;
  },
});

export interface TileParams { readonly inDims: readonly number[]; readonly outDims: readonly number[] }
const TILE = tfl({
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.shape(0);
    const m = intsOf(ctx, 1);
    if (m && m.length !== x.length) ctx.fail(`multiples has ${m.length} entries for rank ${x.length}`, 'E_SHAPE_MISMATCH');
    return same(ctx, m ? x.map((d, i) => (typeof d === 'number' ? d * m[i]! : freshDim())) : x.map(() => freshDim()));
  },
  params: (ctx): TileParams => ({ inDims: concrete(ctx.shape(0)), outDims: checkElements(concrete((ctx.outputs[0] as TensorType).shape!)) }),
});
const BROADCAST_TO = tfl({
  inputs: [2, 2],
  infer: (ctx) => {
    const s = intsOf(ctx, 1);
    return same(ctx, s ? broadcastShapes(ctx, [ctx.shape(0), s]) : undefined);
  },
  params: (ctx): TileParams => ({ inDims: concrete(ctx.shape(0)), outDims: checkElements(concrete((ctx.outputs[0] as TensorType).shape!)) }),
});

export interface FillParams { readonly outDims: readonly number[] }
const FILL = tfl({
  inputs: [2, 2],
  infer: (ctx) => {
    const s = intsOf(ctx, 0);
    if (s?.some((d) => d < 0)) ctx.fail(`FILL dims [${s}] must be non-negative`, 'E_INPUT_INVALID');
    return [tensorType(ctx.tensor(1).dtype, s ?? undefined)];
  },
  params: (ctx): FillParams => ({ outDims: checkElements(concrete((ctx.outputs[0] as TensorType).shape!)) }),
});

export interface ShapeOfParams { readonly values: readonly number[]; readonly outType: DType }
const SHAPE = tfl({
  attrs: { out_dtype: attr.string('int32') },
  infer: (ctx) => [tensorType(ctx.attrs.out_dtype as DType, [ctx.shape(0).length])],
  params: (ctx): ShapeOfParams => ({ values: concrete(ctx.shape(0)), outType: ctx.attrs.out_dtype as DType }),
});
const RANK = tfl({
  infer: () => [tensorType('int32', [])],
  params: (ctx): ShapeOfParams => ({ values: [ctx.shape(0).length], outType: 'int32' }),
});

export const tfliteShapeOps = {
  'tflite.RESHAPE': RESHAPE, 'tflite.SQUEEZE': SQUEEZE, 'tflite.EXPAND_DIMS': EXPAND_DIMS, 'tflite.TRANSPOSE': TRANSPOSE,
  'tflite.CONCATENATION': CONCATENATION, 'tflite.PACK': PACK, 'tflite.SPLIT': splitOp('SPLIT'), 'tflite.SPLIT_V': splitOp('SPLIT_V'),
  'tflite.UNPACK': splitOp('UNPACK'), 'tflite.TILE': TILE, 'tflite.BROADCAST_TO': BROADCAST_TO, 'tflite.FILL': FILL,
  'tflite.SHAPE': SHAPE, 'tflite.RANK': RANK,
};
