/**
 * TFLite slicing and padding: STRIDED_SLICE (with TFLite's begin/end/ellipsis/new-axis/shrink masks and
 * clamping rules), SLICE, PAD, PADV2, MIRROR_PAD. All of them only move elements, so quantized tensors
 * pass through unchanged (TFLite requires input and output quantization to match); padding fills with
 * the output zero point (PAD) or the given constant (PADV2).
 */
import { freshDim, tensorType, type Dim } from '../../ir/types.js';
import { toIntList, toNumbers } from '../../elements.js';
import { attr, type OpContext } from '../schema.js';
import { concrete } from '../shape-utils.js';
import { checkElements, quantAttrs, scalarQuant, tfl } from './common.js';

/** A strided window over the input: per dimension a start, a step and a count. */
export interface SliceParams {
  readonly inDims: readonly number[];
  readonly start: readonly number[];
  readonly step: readonly number[];
  readonly count: readonly number[];
  readonly outDims: readonly number[];
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const clampI = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** TFLite BuildStridedSliceParams + StartForAxis/StopForAxis, on concrete values. */
function stridedSlice(ctx: OpContext<any>, inShape: readonly number[], begin: number[], end: number[], strides: number[]): SliceParams {
  const a = ctx.attrs;
  const n = begin.length;
  if (end.length !== n || strides.length !== n) ctx.fail(`begin, end and strides must have one length, got ${n}, ${end.length}, ${strides.length}`, 'E_SHAPE_MISMATCH');
  const bit = (mask: number, i: number) => ((mask >>> i) & 1) === 1;
  let addAxis = 0;
  for (let i = 0; i < n; i++) if (!bit(a.ellipsis_mask, i) && bit(a.new_axis_mask, i)) addAxis++;
  const eff = inShape.length + addAxis;
  let ellMask = 0, newMask = 0, ellStart = eff, expanded = 0;
  for (let i = 0; i < eff;) {
    if (bit(a.ellipsis_mask, i)) {
      ellStart = i;
      const ellEnd = Math.max(i + 1, Math.min(i + 1 + addAxis + inShape.length - n, eff));
      expanded = ellEnd - ellStart - 1;
      for (; i < ellEnd; i++) ellMask |= 1 << i;
      continue;
    }
    if (bit(a.new_axis_mask, i - expanded)) newMask |= 1 << i;
    i++;
  }
  const effShape: number[] = [], st: number[] = [], sp: number[] = [], sd: number[] = [];
  let bMask = 0, eMask = 0, shrink = 0, addedEll = 0, addedAxes = 0;
  for (let i = 0; i < eff; i++) {
    if (bit(ellMask, i)) {
      addedEll = Math.max(0, i - ellStart);
      bMask |= 1 << i; eMask |= 1 << i;
      st.push(0); sp.push(0); sd.push(1); effShape.push(inShape[i - addedAxes]!);
    } else if (bit(newMask, i)) {
      st.push(0); sp.push(1); sd.push(1); effShape.push(1);
      addedAxes++;
    } else if (i >= n + expanded) {
      bMask |= 1 << i; eMask |= 1 << i;
      st.push(0); sp.push(0); sd.push(1); effShape.push(inShape[i - addedAxes]!);
    } else {
      const o = i - addedEll;
      st.push(begin[o]!); sp.push(a.offset ? begin[o]! + end[o]! : end[o]!); sd.push(strides[o]!);
      if (bit(a.begin_mask, o)) bMask |= 1 << i;
      if (bit(a.end_mask, o)) eMask |= 1 << i;
      if (bit(a.shrink_axis_mask, o)) shrink |= 1 << i;
      effShape.push(inShape[i - addedAxes]!);
    }
  }
  const start: number[] = [], count: number[] = [], outDims: number[] = [];
  for (let i = 0; i < eff; i++) {
    const size = effShape[i]!;
    const stride = sd[i]!;
    if (stride === 0) ctx.fail('strides must be non-zero');
    let b = 0, e = 0;
    if (size !== 0) {
      b = bit(bMask, i) ? (stride > 0 ? INT_MIN : INT_MAX) : st[i]!;
      if (b < 0) b += size;
      b = stride > 0 ? clampI(b, 0, size) : clampI(b, -1, size - 1);
      if (bit(shrink, i)) e = b + 1;
      else {
        e = bit(eMask, i) ? (stride > 0 ? INT_MAX : INT_MIN) : sp[i]!;
        if (e < 0) e += size;
        e = stride > 0 ? clampI(e, 0, size) : clampI(e, -1, size - 1);
      }
    }
    if (bit(shrink, i) && size !== 0 && !(b >= 0 && b < size)) ctx.fail(`shrunk index ${st[i]} is out of range for dimension ${i} of size ${size}`, 'E_INPUT_INVALID');
    const c = Math.max(0, Math.ceil((e - b) / stride));
    start.push(b); count.push(c);
    if (!bit(shrink, i)) outDims.push(c);
  }
  return { inDims: effShape, start, step: sd, count, outDims };
}

const intsOf = (ctx: OpContext<any>, i: number): number[] | undefined => {
  const v = ctx.value(i);
  return v ? toIntList(v) : undefined;
};

const STRIDED_SLICE = tfl({
  attrs: {
    begin_mask: attr.int(0), end_mask: attr.int(0), ellipsis_mask: attr.int(0), new_axis_mask: attr.int(0),
    shrink_axis_mask: attr.int(0), offset: attr.int(0),
  },
  inputs: [4, 4],
  infer: (ctx) => {
    const [b, e, s] = [intsOf(ctx, 1), intsOf(ctx, 2), intsOf(ctx, 3)];
    const shape = ctx.shape(0);
    if (!b || !e || !s || !shape.every((d) => typeof d === 'number')) return [tensorType(ctx.tensor(0).dtype, undefined)];
    return [tensorType(ctx.tensor(0).dtype, stridedSlice(ctx, shape as number[], b, e, s).outDims)];
  },
  params: (ctx) => stridedSlice(ctx, concrete(ctx.shape(0)), intsOf(ctx, 1)!, intsOf(ctx, 2)!, intsOf(ctx, 3)!),
});

function sliceParams(ctx: OpContext<any>, inShape: readonly number[], begin: number[], size: number[]): SliceParams {
  if (begin.length !== inShape.length || size.length !== inShape.length) ctx.fail(`SLICE begin/size need ${inShape.length} entries`, 'E_SHAPE_MISMATCH');
  const count = size.map((s, i) => (s === -1 ? inShape[i]! - begin[i]! : s));
  inShape.forEach((d, i) => {
    if (!(begin[i]! >= 0 && count[i]! >= 0 && begin[i]! + count[i]! <= d)) ctx.fail(`slice [${begin[i]}, +${size[i]}) is out of range for dimension ${i} of size ${d}`, 'E_INPUT_INVALID');
  });
  return { inDims: inShape, start: begin, step: inShape.map(() => 1), count, outDims: count };
}

const SLICE = tfl({
  inputs: [3, 3],
  infer: (ctx) => {
    const [b, s] = [intsOf(ctx, 1), intsOf(ctx, 2)];
    const shape = ctx.shape(0);
    if (!b || !s || !shape.every((d) => typeof d === 'number')) return [tensorType(ctx.tensor(0).dtype, shape.map(() => freshDim()))];
    return [tensorType(ctx.tensor(0).dtype, sliceParams(ctx, shape as number[], b, s).outDims)];
  },
  params: (ctx) => sliceParams(ctx, concrete(ctx.shape(0)), intsOf(ctx, 1)!, intsOf(ctx, 2)!),
});

export interface PadParams {
  readonly inDims: readonly number[];
  readonly before: readonly number[];
  readonly outDims: readonly number[];
  /** 'constant' fills with `value` (raw, already quantized); the mirror modes reflect. */
  readonly mode: 'constant' | 'reflect' | 'symmetric';
  readonly value: number;
}

function padShape(ctx: OpContext<any>, shape: readonly Dim[]): { before: number[]; outDims: Dim[] } | undefined {
  const p = intsOf(ctx, 1);
  if (!p) return undefined;
  if (p.length !== 2 * shape.length) ctx.fail(`paddings must be [${shape.length}, 2], got ${p.length} values`, 'E_SHAPE_MISMATCH');
  const before = shape.map((_, i) => p[2 * i]!);
  const after = shape.map((_, i) => p[2 * i + 1]!);
  if ([...before, ...after].some((v) => v < 0)) ctx.fail(`paddings must be non-negative, got [${p.join(',')}]`, 'E_INPUT_INVALID');
  return { before, outDims: shape.map((d, i) => (typeof d === 'number' ? d + before[i]! + after[i]! : freshDim())) };
}

function pad(kind: 'PAD' | 'PADV2' | 'MIRROR_PAD') {
  return tfl({
    attrs: { mode: attr.int(0), ...quantAttrs('out0') },
    inputs: kind === 'PADV2' ? [2, 3] : [2, 2],
    infer: (ctx) => [tensorType(ctx.tensor(0).dtype, padShape(ctx, ctx.shape(0))?.outDims ?? ctx.shape(0).map(() => freshDim()))],
    params: (ctx): PadParams => {
      const inDims = concrete(ctx.shape(0));
      const ps = padShape(ctx, inDims)!;
      const outDims = checkElements(ps.outDims as number[]);
      if (kind === 'MIRROR_PAD') {
        const sym = ctx.attrs.mode === 1;
        inDims.forEach((d, i) => {
          const lim = sym ? d : d - 1;
          if (ps.before[i]! > lim || outDims[i]! - d - ps.before[i]! > lim) ctx.fail(`mirror padding of dimension ${i} (size ${d}) is too large`, 'E_INPUT_INVALID');
        });
        return { inDims, before: ps.before, outDims, mode: sym ? 'symmetric' : 'reflect', value: 0 };
      }
      const cv = kind === 'PADV2' ? ctx.value(2) : undefined;
      const value = cv && cv.size > 0 ? toNumbers(cv)[0]! : scalarQuant(ctx.attrs, 'out0')?.zp ?? 0;
      return { inDims, before: ps.before, outDims, mode: 'constant', value };
    },
  });
}

export const tfliteSliceOps = {
  'tflite.STRIDED_SLICE': STRIDED_SLICE,
  'tflite.SLICE': SLICE,
  'tflite.PAD': pad('PAD'),
  'tflite.PADV2': pad('PADV2'),
  'tflite.MIRROR_PAD': pad('MIRROR_PAD'),
};
