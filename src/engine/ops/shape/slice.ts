/** Schemas of the ops that cut and join tensors: Concat, Split, Slice, Tile, Expand. */
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { broadcastShapes, concrete, dimMath, normAxes, normAxis } from '../shape-utils.js';
import { dimSum, freshDims, intInput, outDims, sameDim, staticLength } from './common.js';

export interface ConcatParams { readonly axis: number; readonly outDims: readonly number[] }

const Concat = defineOp({
  attrs: { axis: attr.int() },
  inputs: [1, Infinity],
  infer: (ctx) => {
    const n = ctx.inputs.length;
    const types = Array.from({ length: n }, (_, i) => ctx.tensor(i));
    const dtype = types[0]!.dtype;
    for (const t of types) if (t.dtype !== dtype) ctx.fail(`inputs must share one type, got ${dtype} and ${t.dtype}`, 'E_TYPE_UNSUPPORTED');
    const axisAttr = ctx.attrs.axis ?? (ctx.opset < 4 ? 1 : ctx.fail(`the 'axis' attribute is required`));
    const known = types.filter((t) => t.shape !== undefined).map((t) => t.shape!);
    if (known.length === 0) return [tensorType(dtype)];
    const rank = known[0]!.length;
    if (rank === 0) ctx.fail(`cannot concatenate scalars`, 'E_SHAPE_MISMATCH');
    for (const s of known) if (s.length !== rank) ctx.fail(`inputs must have the same rank, got ${rank} and ${s.length}`, 'E_SHAPE_MISMATCH');
    const axis = normAxis(ctx, axisAttr, rank);
    const out: Dim[] = [];
    for (let a = 0; a < rank; a++) {
      if (a === axis) {
        out.push(known.length === n ? dimSum(known.map((s) => s[a]!)) : freshDim());
      } else {
        let d: Dim = known[0]![a]!;
        for (const s of known) d = sameDim(ctx, d, s[a]!, () => `inputs disagree on dim ${a}: [${known.map((k) => `[${k.join(',')}]`).join(' ')}]`);
        out.push(d);
      }
    }
    return [tensorType(dtype, out)];
  },
  params: (ctx): ConcatParams => {
    const dims = outDims(ctx);
    return { axis: normAxis(ctx, ctx.attrs.axis ?? 1, dims.length), outDims: dims };
  },
});

export interface SplitParams { readonly axis: number; readonly inDims: readonly number[]; readonly sizes: readonly number[] }

type SplitAttrs = { axis: number; split: readonly number[] | undefined; num_outputs: number | undefined };

/** The sizes of the parts along the axis: numbers, or null for "not known yet". */
function splitSizes(ctx: OpContext<SplitAttrs>, dim: Dim): readonly Dim[] {
  const n = ctx.numOutputs;
  let split: readonly number[] | undefined | null;
  if (ctx.opset < 13) {
    split = ctx.attrs.split ?? (ctx.opset < 2 && ctx.has(1) ? intInput(ctx, 1, 'split') ?? null : undefined);
  } else {
    if (ctx.attrs.split !== undefined) ctx.fail(`from opset 13 split is an input, not an attribute`);
    split = ctx.has(1) ? intInput(ctx, 1, 'split') ?? null : undefined;
  }
  if (ctx.opset >= 18 && ctx.attrs.num_outputs !== undefined) {
    if (split !== undefined) ctx.fail(`give either the split input or num_outputs, not both`);
    if (ctx.attrs.num_outputs !== n) ctx.fail(`num_outputs is ${ctx.attrs.num_outputs} but the node has ${n} outputs`);
  } else if (ctx.opset >= 18 && split === undefined) {
    ctx.fail(`from opset 18 either the split input or num_outputs is required`);
  }
  if (split === null) return freshDims(n);
  if (split !== undefined) {
    if (split.length !== n) ctx.fail(`split has ${split.length} entries for ${n} outputs`, 'E_SHAPE_MISMATCH');
    if (split.some((s) => s < 0)) ctx.fail(`split sizes must be >= 0, got [${split.join(',')}]`);
    const sum = split.reduce((a, b) => a + b, 0);
    if (typeof dim === 'number' && sum !== dim) ctx.fail(`split [${split.join(',')}] does not add up to the axis size ${dim}`, 'E_SHAPE_MISMATCH');
    return split;
  }
  if (typeof dim !== 'number') return freshDims(n);
  if (ctx.opset >= 18) {
    const chunk = Math.ceil(dim / n);
    const last = dim - chunk * (n - 1);
    if (last < 0) ctx.fail(`cannot split a dim of ${dim} into ${n} parts`, 'E_SHAPE_MISMATCH');
    return Array.from({ length: n }, (_, i) => (i === n - 1 ? last : chunk));
  }
  if (dim % n !== 0) ctx.fail(`cannot split a dim of ${dim} evenly into ${n} parts`, 'E_SHAPE_MISMATCH');
  return Array.from({ length: n }, () => dim / n);
}

const Split = defineOp({
  attrs: { axis: attr.int(0), split: attr.ints(), num_outputs: attr.int() },
  inputs: [1, 2],
  outputs: [1, Infinity],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return Array.from({ length: ctx.numOutputs }, () => tensorType(x.dtype));
    const axis = normAxis(ctx, ctx.attrs.axis, x.shape.length);
    const sizes = splitSizes(ctx, x.shape[axis]!);
    return sizes.map((s) => tensorType(x.dtype, x.shape!.map((d, i) => (i === axis ? s : d))));
  },
  params: (ctx): SplitParams => {
    const inDims = concrete(ctx.shape(0));
    const axis = normAxis(ctx, ctx.attrs.axis, inDims.length);
    return { axis, inDims, sizes: splitSizes(ctx, inDims[axis]!) as number[] };
  },
});

export interface SliceParams {
  readonly inDims: readonly number[];
  /** Per axis of the input: first index read and step (0 and 1 for untouched axes). */
  readonly starts: readonly number[];
  readonly steps: readonly number[];
  readonly outDims: readonly number[];
}

type SliceAttrs = { starts: readonly number[] | undefined; ends: readonly number[] | undefined; axes: readonly number[] | undefined };
interface SliceSpec { starts: number[]; ends: number[]; axes: number[]; steps: number[] }

/** The slice arguments, or null when some are not known yet (then `axes` may still be known). */
function sliceSpec(ctx: OpContext<SliceAttrs>, rank: number): SliceSpec | { axes: number[] | undefined } {
  let starts: readonly number[] | undefined;
  let ends: readonly number[] | undefined;
  let axes: readonly number[] | undefined;
  let steps: readonly number[] | undefined;
  let unknown = false;
  if (ctx.opset < 10) {
    starts = ctx.attrs.starts;
    ends = ctx.attrs.ends;
    axes = ctx.attrs.axes;
    if (!starts || !ends) ctx.fail(`the 'starts' and 'ends' attributes are required before opset 10`);
  } else {
    if (!ctx.has(1) || !ctx.has(2)) ctx.fail(`inputs 1 (starts) and 2 (ends) are required`);
    starts = intInput(ctx, 1, 'starts');
    ends = intInput(ctx, 2, 'ends');
    if (ctx.has(3)) { axes = intInput(ctx, 3, 'axes'); if (!axes) unknown = true; }
    if (ctx.has(4)) { steps = intInput(ctx, 4, 'steps'); if (!steps) unknown = true; }
    if (!starts || !ends) unknown = true;
  }
  const axesNorm = axes ? normAxes(ctx, axes, rank) : undefined;
  if (unknown) {
    if (axesNorm || ctx.has(3)) return { axes: axesNorm };
    const n = starts?.length ?? staticLength(ctx, 1);
    return { axes: n === undefined ? undefined : Array.from({ length: n }, (_, i) => i) };
  }
  const n = starts!.length;
  if (ends!.length !== n) ctx.fail(`starts and ends have different lengths (${n} and ${ends!.length})`, 'E_SHAPE_MISMATCH');
  const ax = axesNorm ?? Array.from({ length: n }, (_, i) => i);
  if (ax.length !== n) ctx.fail(`axes has ${ax.length} entries, starts has ${n}`, 'E_SHAPE_MISMATCH');
  if (n > rank) ctx.fail(`slicing ${n} axes of a rank-${rank} tensor`, 'E_SHAPE_MISMATCH');
  const st = steps ? [...steps] : Array.from({ length: n }, () => 1);
  if (st.length !== n) ctx.fail(`steps has ${st.length} entries, starts has ${n}`, 'E_SHAPE_MISMATCH');
  if (st.some((s) => s === 0)) ctx.fail(`steps cannot be 0`);
  return { starts: [...starts!], ends: [...ends!], axes: ax, steps: st };
}

/** First index and element count of one axis' slice, with ONNX's clamping. */
export function sliceRange(start: number, end: number, step: number, dim: number): [number, number] {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  if (step > 0) {
    start = clamp(start, 0, dim);
    end = clamp(end, 0, dim);
    return [start, Math.max(0, Math.ceil((end - start) / step))];
  }
  start = clamp(start, 0, dim - 1);
  end = clamp(end, -1, dim - 1);
  return [start, Math.max(0, Math.ceil((start - end) / -step))];
}

/** Ends this large mean "to the end" whatever the (symbolic) dim is. */
const TO_END = 2 ** 62;

const Slice = defineOp({
  attrs: { starts: attr.ints(), ends: attr.ints(), axes: attr.ints() },
  inputs: [1, 5],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return [tensorType(x.dtype)];
    const shape = x.shape;
    const spec = sliceSpec(ctx, shape.length);
    if (!('starts' in spec)) {
      return [tensorType(x.dtype, shape.map((d, i) => (!spec.axes || spec.axes.includes(i) ? freshDim() : d)))];
    }
    const out = [...shape];
    spec.axes.forEach((a, k) => {
      const d = shape[a]!;
      const [s, e, st] = [spec.starts[k]!, spec.ends[k]!, spec.steps[k]!];
      if (typeof d === 'number') out[a] = sliceRange(s, e, st, d)[1];
      else out[a] = s === 0 && st === 1 && e >= TO_END ? d : freshDim();
    });
    return [tensorType(x.dtype, out)];
  },
  params: (ctx): SliceParams => {
    const inDims = concrete(ctx.shape(0));
    const spec = sliceSpec(ctx, inDims.length) as SliceSpec;
    const starts = inDims.map(() => 0);
    const steps = inDims.map(() => 1);
    const dims = [...inDims];
    spec.axes.forEach((a, k) => {
      const [s, count] = sliceRange(spec.starts[k]!, spec.ends[k]!, spec.steps[k]!, inDims[a]!);
      starts[a] = s;
      steps[a] = spec.steps[k]!;
      dims[a] = count;
    });
    return { inDims, starts, steps, outDims: dims };
  },
});

export interface TileParams { readonly inDims: readonly number[]; readonly outDims: readonly number[] }

const Tile = defineOp({
  since: 6,
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const reps = intInput(ctx, 1, 'repeats');
    if (!x.shape) return [tensorType(x.dtype, reps ? freshDims(reps.length) : undefined)];
    if (!reps) return [tensorType(x.dtype, freshDims(x.shape.length))];
    if (reps.length !== x.shape.length) ctx.fail(`repeats has ${reps.length} entries for a rank-${x.shape.length} input`, 'E_SHAPE_MISMATCH');
    if (reps.some((r) => r < 0)) ctx.fail(`repeats must be >= 0, got [${reps.join(',')}]`);
    return [tensorType(x.dtype, x.shape.map((d, i) => (reps[i] === 0 ? 0 : reps[i] === 1 ? d : dimMath(d, reps[i]!, (a, b) => a * b))))];
  },
  params: (ctx): TileParams => ({ inDims: concrete(ctx.shape(0)), outDims: outDims(ctx) }),
});

const Expand = defineOp({
  since: 8,
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const shape = intInput(ctx, 1, 'shape');
    if (shape?.some((d) => d < 0)) ctx.fail(`shape entries must be >= 0, got [${shape.join(',')}]`);
    const n = shape?.length ?? staticLength(ctx, 1);
    if (!x.shape || n === undefined) return [tensorType(x.dtype)];
    return [tensorType(x.dtype, broadcastShapes(ctx, [x.shape, shape ?? freshDims(n)]))];
  },
  params: (ctx): TileParams => ({ inDims: concrete(ctx.shape(0)), outDims: outDims(ctx) }),
});

export const sliceOps = { Concat, Split, Slice, Tile, Expand };
