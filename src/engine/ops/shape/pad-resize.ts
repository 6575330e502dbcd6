/** Schemas of Pad, CenterCropPad, Resize and Upsample. */
import { fromNumbers, toNumbers } from '../../elements.js';
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import type { Tensor } from '../../tensor.js';
import { attr, defineOp, type OpContext } from '../schema.js';
import { concrete, normAxes } from '../shape-utils.js';
import { freshDims, intInput, isNumeric, outDims } from './common.js';

export type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

export interface PadParams {
  readonly mode: PadMode;
  readonly inDims: readonly number[];
  /** 2·rank entries: begins, then ends; negative values crop. */
  readonly pads: readonly number[];
  readonly outDims: readonly number[];
  /** The constant mode's value as a one-element tensor of the data type; undefined for zero. */
  readonly fill: Tensor | undefined;
}

type PadAttrs = { mode: string; pads: readonly number[] | undefined; paddings: readonly number[] | undefined; value: number };

/** Full-rank pads, or null when they are not known yet. */
function padsOf(ctx: OpContext<PadAttrs>, rank: number): number[] | null {
  let pads: readonly number[] | undefined;
  if (ctx.opset < 11) {
    pads = ctx.opset < 2 ? ctx.attrs.paddings ?? ctx.attrs.pads : ctx.attrs.pads;
    if (!pads) ctx.fail(`the 'pads' attribute is required before opset 11`);
  } else {
    if (!ctx.has(1)) ctx.fail(`input 1 (pads) is required`);
    pads = intInput(ctx, 1, 'pads');
    if (!pads) return null;
  }
  if (ctx.opset >= 18 && ctx.has(3)) {
    const axes = intInput(ctx, 3, 'axes');
    if (!axes) return null;
    const ax = normAxes(ctx, axes, rank);
    if (pads.length !== 2 * ax.length) ctx.fail(`pads has ${pads.length} entries for ${ax.length} axes`, 'E_SHAPE_MISMATCH');
    const full = new Array<number>(2 * rank).fill(0);
    ax.forEach((a, i) => {
      full[a] = pads![i]!;
      full[a + rank] = pads![i + ax.length]!;
    });
    return full;
  }
  if (pads.length !== 2 * rank) ctx.fail(`pads has ${pads.length} entries for a rank-${rank} input`, 'E_SHAPE_MISMATCH');
  return [...pads];
}

function padMode(ctx: OpContext<PadAttrs>): PadMode {
  const m = ctx.attrs.mode;
  const ok = ['constant', 'reflect', 'edge', ...(ctx.opset >= 19 ? ['wrap'] : [])];
  if (!ok.includes(m)) ctx.fail(`mode '${m}' is not supported at opset ${ctx.opset}`);
  return m as PadMode;
}

const Pad = defineOp({
  attrs: { mode: attr.string('constant'), pads: attr.ints(), paddings: attr.ints(), value: attr.float(0) },
  inputs: [1, 4],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    const mode = padMode(ctx);
    if (ctx.opset >= 11 && ctx.has(2) && ctx.tensor(2).dtype !== x.dtype) ctx.fail(`constant_value must have the data's type ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (!x.shape) return [tensorType(x.dtype)];
    const r = x.shape.length;
    const pads = padsOf(ctx, r);
    if (!pads) return [tensorType(x.dtype, freshDims(r))];
    const out = x.shape.map((d, i) => {
      if (typeof d !== 'number') return pads[i] === 0 && pads[i + r] === 0 ? d : freshDim();
      const o = d + pads[i]! + pads[i + r]!;
      if (o < 0) ctx.fail(`pads [${pads.join(',')}] crop more than dim ${i} (${d}) holds`, 'E_SHAPE_MISMATCH');
      if (mode !== 'constant' && d === 0 && o > 0) ctx.fail(`cannot pad an empty dim in ${mode} mode`, 'E_SHAPE_MISMATCH');
      return o;
    });
    return [tensorType(x.dtype, out)];
  },
  params: (ctx): PadParams => {
    const inDims = concrete(ctx.shape(0));
    const mode = padMode(ctx);
    const dtype = ctx.tensor(0).dtype;
    let fill: Tensor | undefined;
    if (mode === 'constant') {
      if (ctx.opset >= 11) {
        const v = ctx.has(2) ? ctx.value(2) : undefined;
        if (v && v.size > 1) ctx.fail(`constant_value must be a scalar`, 'E_SHAPE_MISMATCH');
        fill = v && v.size === 1 ? v : undefined;
      } else if (ctx.attrs.value !== 0 && isNumeric(dtype)) {
        fill = fromNumbers(dtype, [ctx.attrs.value], []);
      }
    }
    return { mode, inDims, pads: padsOf(ctx, inDims.length)!, outDims: outDims(ctx), fill };
  },
});

export interface CropPadParams { readonly inDims: readonly number[]; readonly outDims: readonly number[] }

const CenterCropPad = defineOp({
  since: 18,
  attrs: { axes: attr.ints() },
  inputs: [2, 2],
  infer: (ctx) => {
    const x = ctx.tensor(0);
    if (!x.shape) return [tensorType(x.dtype)];
    const r = x.shape.length;
    const axes = ctx.attrs.axes ? normAxes(ctx, ctx.attrs.axes, r) : Array.from({ length: r }, (_, i) => i);
    const shape = intInput(ctx, 1, 'shape');
    if (!shape) return [tensorType(x.dtype, x.shape.map((d, i) => (axes.includes(i) ? freshDim() : d)))];
    if (shape.length !== axes.length) ctx.fail(`shape has ${shape.length} entries for ${axes.length} axes`, 'E_SHAPE_MISMATCH');
    if (shape.some((s) => s < 0)) ctx.fail(`shape entries must be >= 0`);
    const out: Dim[] = [...x.shape];
    axes.forEach((a, i) => { out[a] = shape[i]!; });
    return [tensorType(x.dtype, out)];
  },
  params: (ctx): CropPadParams => ({ inDims: concrete(ctx.shape(0)), outDims: outDims(ctx) }),
});

export type ResizeMode = 'nearest' | 'linear' | 'cubic';

export interface ResizeParams {
  readonly inDims: readonly number[];
  readonly outDims: readonly number[];
  /** Per axis: the scale the coordinate transform divides by. */
  readonly scales: readonly number[];
  /** Per axis: the region of interest (tf_crop_and_resize), in normalised coordinates. */
  readonly roiStart: readonly number[];
  readonly roiEnd: readonly number[];
  readonly mode: ResizeMode;
  readonly coord: string;
  /** round_prefer_floor | round_prefer_ceil | floor | ceil | simple (Upsample and Resize-10). */
  readonly nearestMode: string;
  readonly cubicA: number;
  readonly excludeOutside: boolean;
  readonly extrapolation: number;
  readonly antialias: boolean;
}

type ResizeAttrs = {
  mode: string; coordinate_transformation_mode: string; cubic_coeff_a: number; exclude_outside: number; extrapolation_value: number;
  nearest_mode: string; antialias: number; axes: readonly number[] | undefined; keep_aspect_ratio_policy: string;
  scales?: readonly number[] | undefined;
};

interface ResizePlan { out: Dim[]; scales?: number[] }

const COORD_MODES = ['half_pixel', 'half_pixel_symmetric', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** An optional float/int input's value: undefined = not given (or empty), null = given but not known yet. */
function optionalValue(ctx: OpContext<unknown>, i: number): Tensor | undefined | null {
  if (!ctx.has(i)) return undefined;
  const v = ctx.value(i);
  if (!v) return null;
  return v.size === 0 ? undefined : v;
}

/** Output dims and per-axis scales of Resize/Upsample. `legacy`: Upsample and Resize-10 (scales only). */
function resizePlan(ctx: OpContext<ResizeAttrs>, inShape: readonly Dim[], legacy: 'upsample' | 'resize10' | undefined): ResizePlan {
  const r = inShape.length;
  const axes = !legacy && ctx.opset >= 18 && ctx.attrs.axes ? normAxes(ctx, ctx.attrs.axes, r) : Array.from({ length: r }, (_, i) => i);
  let scalesT: Tensor | undefined | null;
  let sizesT: Tensor | undefined | null;
  let scaleList: number[] | undefined;
  if (legacy === 'upsample' && ctx.opset < 9) {
    if (!ctx.attrs.scales) ctx.fail(`the 'scales' attribute is required`);
    scaleList = [...ctx.attrs.scales];
  } else if (legacy) {
    if (!ctx.has(1)) ctx.fail(`input 1 (scales) is required`);
    scalesT = optionalValue(ctx, 1);
    if (scalesT === undefined) ctx.fail(`scales must not be empty`);
  } else {
    scalesT = optionalValue(ctx, 2);
    sizesT = optionalValue(ctx, 3);
  }
  const unknown = (): ResizePlan => ({ out: inShape.map((d, i) => (axes.includes(i) ? freshDim() : d)) });
  if (scalesT === null || sizesT === null) return unknown();
  if (scalesT && sizesT) ctx.fail(`give scales or sizes, not both`);
  if (scalesT) {
    if (scalesT.type !== 'float32') ctx.fail(`scales must be float32, got ${scalesT.type}`, 'E_TYPE_UNSUPPORTED');
    scaleList = Array.from(toNumbers(scalesT));
  }
  const scales = new Array<number>(r).fill(1);
  const out: Dim[] = [...inShape];
  if (scaleList) {
    if (scaleList.length !== axes.length) ctx.fail(`scales has ${scaleList.length} entries for ${axes.length} axes`, 'E_SHAPE_MISMATCH');
    axes.forEach((a, i) => {
      const s = scaleList![i]!;
      if (!(s > 0) || !Number.isFinite(s)) ctx.fail(`scales must be positive, got ${s}`, 'E_INPUT_INVALID');
      scales[a] = s;
      const d = inShape[a]!;
      // The product is taken in float32, as onnx shape inference and onnxruntime do.
      out[a] = typeof d === 'number' ? Math.floor(Math.fround(d * s)) : s === 1 ? d : freshDim();
    });
    return { out, scales };
  }
  if (!sizesT) ctx.fail(`one of scales or sizes is required`);
  if (sizesT.type !== 'int64') ctx.fail(`sizes must be int64, got ${sizesT.type}`, 'E_TYPE_UNSUPPORTED');
  const sizes = Array.from(toNumbers(sizesT));
  if (sizes.length !== axes.length) ctx.fail(`sizes has ${sizes.length} entries for ${axes.length} axes`, 'E_SHAPE_MISMATCH');
  if (sizes.some((s) => s < 0)) ctx.fail(`sizes must be >= 0, got [${sizes.join(',')}]`, 'E_INPUT_INVALID');
  const policy = ctx.opset >= 18 ? ctx.attrs.keep_aspect_ratio_policy : 'stretch';
  if (!['stretch', 'not_larger', 'not_smaller'].includes(policy)) ctx.fail(`keep_aspect_ratio_policy '${policy}' is not supported`);
  if (axes.some((a) => typeof inShape[a] !== 'number')) {
    if (policy !== 'stretch') return unknown();
    axes.forEach((a, i) => { out[a] = sizes[i]!; });
    return { out };
  }
  if (policy === 'stretch') {
    axes.forEach((a, i) => {
      out[a] = sizes[i]!;
      scales[a] = sizes[i]! / (inShape[a] as number);
    });
  } else {
    const ratios = axes.map((a, i) => sizes[i]! / (inShape[a] as number));
    const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    for (const a of axes) {
      scales[a] = s;
      out[a] = Math.floor(s * (inShape[a] as number) + 0.5);
    }
  }
  return { out, scales };
}

function resizeInfer(legacy: 'upsample' | 'resize10' | undefined) {
  return (ctx: OpContext<ResizeAttrs>) => {
    const x = ctx.tensor(0);
    const mode = resizeMode(ctx, legacy);
    if (mode !== 'nearest' && !isNumeric(x.dtype)) ctx.fail(`${mode} resizing needs a numeric type, got ${x.dtype}`, 'E_TYPE_UNSUPPORTED');
    if (!x.shape) return [tensorType(x.dtype)];
    return [tensorType(x.dtype, resizePlan(ctx, x.shape, legacy).out)];
  };
}

function resizeMode(ctx: OpContext<ResizeAttrs>, legacy: 'upsample' | 'resize10' | undefined): ResizeMode {
  const m = ctx.attrs.mode;
  if (m === 'nearest' || m === 'linear') return m;
  if (legacy === 'upsample' && m === 'bilinear') return 'linear';
  if (!legacy && m === 'cubic') return m;
  return ctx.fail(`mode '${m}' is not supported`);
}

function resizeParams(legacy: 'upsample' | 'resize10' | undefined) {
  return (ctx: OpContext<ResizeAttrs>): ResizeParams => {
    const inDims = concrete(ctx.shape(0));
    const r = inDims.length;
    const plan = resizePlan(ctx, inDims, legacy);
    const a = ctx.attrs;
    const mode = resizeMode(ctx, legacy);
    const coord = legacy ? 'asymmetric' : a.coordinate_transformation_mode;
    if (!COORD_MODES.includes(coord)) ctx.fail(`coordinate_transformation_mode '${coord}' is not supported`);
    const nearestMode = legacy ? 'simple' : a.nearest_mode;
    if (!legacy && !NEAREST_MODES.includes(nearestMode)) ctx.fail(`nearest_mode '${nearestMode}' is not supported`);
    const roiStart = new Array<number>(r).fill(0);
    const roiEnd = new Array<number>(r).fill(1);
    if (!legacy && coord === 'tf_crop_and_resize') {
      const roi = optionalValue(ctx, 1);
      if (!roi) ctx.fail(`tf_crop_and_resize needs the roi input`);
      const v = Array.from(toNumbers(roi));
      const axes = ctx.opset >= 18 && a.axes ? normAxes(ctx, a.axes, r) : Array.from({ length: r }, (_, i) => i);
      if (v.length !== 2 * axes.length) ctx.fail(`roi has ${v.length} entries for ${axes.length} axes`, 'E_SHAPE_MISMATCH');
      axes.forEach((ax, i) => {
        roiStart[ax] = v[i]!;
        roiEnd[ax] = v[i + axes.length]!;
      });
    }
    return {
      inDims,
      outDims: plan.out as number[],
      scales: plan.scales ?? new Array<number>(r).fill(1),
      roiStart,
      roiEnd,
      mode,
      coord,
      nearestMode,
      cubicA: a.cubic_coeff_a,
      excludeOutside: !legacy && a.exclude_outside !== 0,
      extrapolation: a.extrapolation_value,
      antialias: !legacy && ctx.opset >= 18 && a.antialias !== 0 && mode !== 'nearest',
    };
  };
}

const resizeAttrs = {
  mode: attr.string('nearest'),
  coordinate_transformation_mode: attr.string('half_pixel'),
  cubic_coeff_a: attr.float(-0.75),
  exclude_outside: attr.int(0),
  extrapolation_value: attr.float(0),
  nearest_mode: attr.string('round_prefer_floor'),
  antialias: attr.int(0),
  axes: attr.ints(),
  keep_aspect_ratio_policy: attr.string('stretch'),
};

const Resize = defineOp({
  since: 10,
  attrs: resizeAttrs,
  inputs: [1, 4],
  infer: (ctx) => {
    if (ctx.opset < 11 && !ctx.has(1)) ctx.fail(`input 1 (scales) is required`);
    return resizeInfer(ctx.opset < 11 ? 'resize10' : undefined)(ctx);
  },
  params: (ctx) => resizeParams(ctx.opset < 11 ? 'resize10' : undefined)(ctx),
});

const Upsample = defineOp({
  since: 7,
  until: 9,
  attrs: { ...resizeAttrs, scales: attr.floats() },
  inputs: [1, 2],
  infer: resizeInfer('upsample'),
  params: resizeParams('upsample'),
});

export const padResizeOps = { Pad, CenterCropPad, Resize, Upsample };
